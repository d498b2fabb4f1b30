function __jac-verify_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __jac-verify_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __jac-verify_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __jac-verify_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __jac-verify_parse_tokens -S
    set -l unparsed_tokens (__jac-verify_tokens -pc)
    switch $unparsed_tokens[1]
    case 'jac-verify'
        __jac-verify_parse_subcommand -r 1 'against=' 'ndjson' 'json-array' 'q/quiet' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __jac-verify_parse_subcommand -r 1 'version'
        end
    end
end

function __jac-verify_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __jac-verify_parse_subcommand -S -a positional_count
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

function __jac-verify_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __jac-verify_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__jac-verify_tokens -p)
    if test -z "$(__jac-verify_tokens -t)"
        set -l index (count (__jac-verify_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'jac-verify' -f
complete -c 'jac-verify' -n '__jac-verify_should_offer_completions_for_positional "jac-verify" -ge 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jac\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'jac-verify' -n '__jac-verify_should_offer_completions_for_flags_or_options "jac-verify" against' -l 'against' -d 'Also compare the records with this JSON input, gzip, zstd or xz too (semantically: key order and number spelling aside).' -rF
complete -c 'jac-verify' -n '__jac-verify_should_offer_completions_for_flags_or_options "jac-verify" ndjson' -l 'ndjson' -d 'Read the input as a sequence of JSON objects (NDJSON, pretty-printed or concatenated).'
complete -c 'jac-verify' -n '__jac-verify_should_offer_completions_for_flags_or_options "jac-verify" json-array' -l 'json-array' -d 'Read the input as one JSON array of objects.'
complete -c 'jac-verify' -n '__jac-verify_should_offer_completions_for_flags_or_options "jac-verify" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'jac-verify' -n '__jac-verify_should_offer_completions_for_flags_or_options "jac-verify" version' -l 'version' -d 'Show the version.'
complete -c 'jac-verify' -n '__jac-verify_should_offer_completions_for_flags_or_options "jac-verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'jac-verify' -n '__jac-verify_should_offer_completions_for_positional "jac-verify" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'jac-verify' -n '__jac-verify_should_offer_completions_for_flags_or_options "jac-verify help" version' -l 'version' -d 'Show the version.'
