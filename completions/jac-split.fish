function __jac-split_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __jac-split_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __jac-split_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __jac-split_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __jac-split_parse_tokens -S
    set -l unparsed_tokens (__jac-split_tokens -pc)
    switch $unparsed_tokens[1]
    case 'jac-split'
        __jac-split_parse_subcommand 1 'ndjson' 'json-array' 'block-records=' 'block-bytes=' 'shards=' 'o/output=' 'f/force' 'q/quiet' 'v/verbose' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __jac-split_parse_subcommand -r 1 'version'
        end
    end
end

function __jac-split_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __jac-split_parse_subcommand -S -a positional_count
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

function __jac-split_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __jac-split_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__jac-split_tokens -p)
    if test -z "$(__jac-split_tokens -t)"
        set -l index (count (__jac-split_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'jac-split' -f
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_positional "jac-split" -eq 1' -F
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" ndjson' -l 'ndjson' -d 'Read the input as a sequence of JSON objects (NDJSON, pretty-printed or concatenated).'
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" json-array' -l 'json-array' -d 'Read the input as one JSON array of objects.'
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" block-records' -l 'block-records' -d 'Records per block (1 to 100000).' -rfka ''
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" block-bytes' -l 'block-bytes' -d 'Cut a block before its JSON text exceeds this many bytes (suffixes K, M, G; at most 256M).' -rfka ''
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" shards' -l 'shards' -d 'Print a plan of at most n shards instead: lines OFFSET<TAB>LENGTH of the input file, cut where jac pack with these options starts a block; packed one by one and merged by jac-assemble, they make the bytes of one jac pack.' -rfka ''
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" o output' -s 'o' -l 'output' -d 'Write to this file instead of the default (\'-\' for standard output).' -rF
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" f force' -l 'force' -s 'f' -d 'Overwrite an existing output file.'
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" q quiet' -l 'quiet' -s 'q' -d 'Print no warnings and no progress line.'
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" v verbose' -l 'verbose' -s 'v' -d 'Print what was done (sizes, ratio, time) on standard error.'
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" version' -l 'version' -d 'Show the version.'
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_positional "jac-split" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'jac-split' -n '__jac-split_should_offer_completions_for_flags_or_options "jac-split help" version' -l 'version' -d 'Show the version.'
