function __jac-squeeze_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __jac-squeeze_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __jac-squeeze_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __jac-squeeze_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __jac-squeeze_parse_tokens -S
    set -l unparsed_tokens (__jac-squeeze_tokens -pc)
    switch $unparsed_tokens[1]
    case 'jac-squeeze'
        __jac-squeeze_parse_subcommand 1 'level=' 'codec=' 'max-dict-entries=' 'canonicalize-keys' 'duplicate-keys=' 'j/threads=' 'memory-factor=' 'o/output=' 'f/force' 'q/quiet' 'v/verbose' 'trace=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __jac-squeeze_parse_subcommand -r 1 'version'
        end
    end
end

function __jac-squeeze_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __jac-squeeze_parse_subcommand -S -a positional_count
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

function __jac-squeeze_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __jac-squeeze_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__jac-squeeze_tokens -p)
    if test -z "$(__jac-squeeze_tokens -t)"
        set -l index (count (__jac-squeeze_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'jac-squeeze' -f
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_positional "jac-squeeze" -eq 1' -F
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" level zstd-level' -l 'level' -l 'zstd-level' -d 'Compression level (zstd 1-22, default 6; lz4 0-12).' -rfka ''
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" codec' -l 'codec' -d 'Segment codec: zstd, lz4 or none. lz4 is a jac extension (id 64) that other JAC v1 readers cannot read.' -rfka 'zstd lz4 none'
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" max-dict-entries' -l 'max-dict-entries' -d 'Largest dictionary per field and block (0 disables dictionaries; at most 4096).' -rfka ''
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" canonicalize-keys' -l 'canonicalize-keys' -d 'Order each block\'s fields by name instead of first appearance.'
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" duplicate-keys' -l 'duplicate-keys' -d 'A record repeating a key: \'error\' (default) or \'last\' (keep the last value, as the reference does).' -rfka 'error last'
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" T j threads' -s 'j' -s 'T' -l 'threads' -d 'Worker threads, at most (default, and 0: the CPUs available; fewer if memory is short). Output does not depend on it.' -rfka ''
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" memory-factor' -l 'memory-factor' -d 'Fraction of available memory the blocks in flight may use (default 0.75, or JAC_MEMORY_FACTOR).' -rfka ''
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" o output' -s 'o' -l 'output' -d 'Write to this file instead of the default (\'-\' for standard output).' -rF
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" f force' -l 'force' -s 'f' -d 'Overwrite an existing output file.'
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" q quiet' -l 'quiet' -s 'q' -d 'Print no warnings and no progress line.'
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" v verbose' -l 'verbose' -s 'v' -d 'Print what was done (sizes, ratio, time) on standard error.'
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" trace' -l 'trace' -d 'Write a trace of the run\'s thread-pool tasks to this file (see scripts/model).' -rfka ''
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" version' -l 'version' -d 'Show the version.'
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_positional "jac-squeeze" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'jac-squeeze' -n '__jac-squeeze_should_offer_completions_for_flags_or_options "jac-squeeze help" version' -l 'version' -d 'Show the version.'
