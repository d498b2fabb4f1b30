function __jac-assemble_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __jac-assemble_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __jac-assemble_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __jac-assemble_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __jac-assemble_parse_tokens -S
    set -l unparsed_tokens (__jac-assemble_tokens -pc)
    switch $unparsed_tokens[1]
    case 'jac-assemble'
        __jac-assemble_parse_subcommand -r 1 'no-index' 'reference-header' 'o/output=' 'f/force' 'q/quiet' 'v/verbose' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __jac-assemble_parse_subcommand -r 1 'version'
        end
    end
end

function __jac-assemble_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __jac-assemble_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __jac-assemble_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __jac-assemble_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__jac-assemble_tokens -p)
    if test -z "$(__jac-assemble_tokens -t)"
        set -l index (count (__jac-assemble_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'jac-assemble' -f
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_positional "jac-assemble" -ge 1' -F
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_flags_or_options "jac-assemble" no-index' -l 'no-index' -d 'Write no index footer (readers then scan the blocks, and cannot tell an archive cut between blocks).'
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_flags_or_options "jac-assemble" reference-header' -l 'reference-header' -d 'Write the file header as the reference implementation does (flag bit 5 clear: an archive cut short then reads as a shorter one), for its exact bytes.'
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_flags_or_options "jac-assemble" o output' -s 'o' -l 'output' -d 'Write to this file instead of the default (\'-\' for standard output).' -rF
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_flags_or_options "jac-assemble" f force' -l 'force' -s 'f' -d 'Overwrite an existing output file.'
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_flags_or_options "jac-assemble" q quiet' -l 'quiet' -s 'q' -d 'Print no warnings and no progress line.'
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_flags_or_options "jac-assemble" v verbose' -l 'verbose' -s 'v' -d 'Print what was done (sizes, ratio, time) on standard error.'
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_flags_or_options "jac-assemble" version' -l 'version' -d 'Show the version.'
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_flags_or_options "jac-assemble" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_positional "jac-assemble" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'jac-assemble' -n '__jac-assemble_should_offer_completions_for_flags_or_options "jac-assemble help" version' -l 'version' -d 'Show the version.'
