function __jac_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __jac_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __jac_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __jac_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __jac_parse_tokens -S
    set -l unparsed_tokens (__jac_tokens -pc)
    switch $unparsed_tokens[1]
    case 'jac'
        __jac_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'pack'
            __jac_parse_subcommand -r 1 'd/decompress' 't/test' 'c/stdout' 'k' 'rm' 'ultra' 'ndjson' 'json-array' 'block-records=' 'block-bytes=' 'level=' 'codec=' 'max-dict-entries=' 'canonicalize-keys' 'duplicate-keys=' 'no-index' 'reference-header' 'j/threads=' 'memory-factor=' 'o/output=' 'f/force' 'q/quiet' 'v/verbose' 'trace=' 'version' 'h/help'
        case 'unpack'
            __jac_parse_subcommand 1 'format=' 'json-array' 'j/threads=' 'salvage' 'o/output=' 'f/force' 'q/quiet' 'v/verbose' 'trace=' 'version' 'h/help'
        case 'cat'
            __jac_parse_subcommand 1 'F/field=+' 'format=' 'r/raw' 'blocks=' 'records=' 'j/threads=' 'no-crc' 'o/output=' 'f/force' 'q/quiet' 'v/verbose' 'version' 'h/help'
        case 'ls'
            __jac_parse_subcommand -r 1 'format=' 'b/bytes' 'no-types' 'q/quiet' 'version' 'h/help'
        case 'verify'
            __jac_parse_subcommand -r 1 'against=' 'ndjson' 'json-array' 'q/quiet' 'version' 'h/help'
        case 'help'
            __jac_parse_subcommand -r 1 'version'
        end
    end
end

function __jac_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __jac_parse_subcommand -S -a positional_count
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

function __jac_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __jac_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__jac_tokens -p)
    if test -z "$(__jac_tokens -t)"
        set -l index (count (__jac_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'jac' -f
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac" version' -l 'version' -d 'Show the version.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac" -eq 1' -fa 'pack' -d 'Compress JSON records (NDJSON, concatenated objects or a JSON array) into a JAC archive.'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac" -eq 1' -fa 'unpack' -d 'Decode a JAC archive back to JSON records (NDJSON by default).'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac" -eq 1' -fa 'cat' -d 'Print some fields of every record (or of a slice), reading only those fields.'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac" -eq 1' -fa 'ls' -d 'List archives: blocks and fields, sizes, value types, encodings, ratio.'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac" -eq 1' -fa 'verify' -d 'Check that JAC archives are whole and decode completely.'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac pack" -ge 1' -F
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" d decompress' -s 'd' -l 'decompress' -d 'Decompress each FILE.jac to FILE (in the layout of the archive\'s container hint), as zstd -d does.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" t test' -s 't' -l 'test' -d 'Verify each archive in full, as jac verify does.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" c stdout' -s 'c' -l 'stdout' -d 'Write to standard output (one input when packing; with -d, the records of each archive in turn).'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" k' -s 'k' -d 'Keep the input files (the default).'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" rm' -l 'rm' -d 'Remove each input file once its output file is in place and checked (an archive verified against its input).'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" ultra' -l 'ultra' -d 'Allow the levels -20 to -22 (-1 to -19 give the zstd level as --level does).'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" ndjson' -l 'ndjson' -d 'Read the input as a sequence of JSON objects (NDJSON, pretty-printed or concatenated).'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" json-array' -l 'json-array' -d 'Read the input as one JSON array of objects.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" block-records' -l 'block-records' -d 'Records per block (1 to 100000).' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" block-bytes' -l 'block-bytes' -d 'Cut a block before its JSON text exceeds this many bytes (suffixes K, M, G; at most 256M).' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" level zstd-level' -l 'level' -l 'zstd-level' -d 'Compression level (zstd 1-22, default 6; lz4 0-12).' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" codec' -l 'codec' -d 'Segment codec: zstd, lz4 or none. lz4 is a jac extension (id 64) that other JAC v1 readers cannot read.' -rfka 'zstd lz4 none'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" max-dict-entries' -l 'max-dict-entries' -d 'Largest dictionary per field and block (0 disables dictionaries; at most 4096).' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" canonicalize-keys' -l 'canonicalize-keys' -d 'Order each block\'s fields by name instead of first appearance.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" duplicate-keys' -l 'duplicate-keys' -d 'A record repeating a key: \'error\' (default) or \'last\' (keep the last value, as the reference does).' -rfka 'error last'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" no-index' -l 'no-index' -d 'Write no index footer (readers then scan the blocks, and cannot tell an archive cut between blocks).'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" reference-header' -l 'reference-header' -d 'Write the file header as the reference implementation does (flag bit 5 clear: an archive cut short then reads as a shorter one), for its exact bytes.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" T j threads' -s 'j' -s 'T' -l 'threads' -d 'Worker threads, at most (default, and 0: the CPUs available; fewer if memory is short). Output does not depend on it.' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" memory-factor' -l 'memory-factor' -d 'Fraction of available memory the blocks in flight may use (default 0.75, or JAC_MEMORY_FACTOR).' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" o output' -s 'o' -l 'output' -d 'Write to this file instead of the default (\'-\' for standard output).' -rF
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" f force' -l 'force' -s 'f' -d 'Overwrite an existing output file.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" q quiet' -l 'quiet' -s 'q' -d 'Print no warnings and no progress line.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" v verbose' -l 'verbose' -s 'v' -d 'Print what was done (sizes, ratio, time) on standard error.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" trace' -l 'trace' -d 'Write a trace of the run\'s thread-pool tasks to this file (see scripts/model).' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" version' -l 'version' -d 'Show the version.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac pack" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac unpack" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jac\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" format' -l 'format' -d 'Output layout: ndjson, json-array, or auto (follow the archive\'s container hint).' -rfka 'ndjson json-array auto'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" json-array' -l 'json-array' -d 'Same as --format json-array.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" j threads' -s 'j' -l 'threads' -d 'Decoding threads (default: the CPUs available). Output does not depend on it.' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" salvage' -l 'salvage' -d 'Skip damaged blocks instead of stopping (decodes on one thread; exit status 1 when anything was skipped).'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" o output' -s 'o' -l 'output' -d 'Write to this file instead of the default (\'-\' for standard output).' -rF
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" f force' -l 'force' -s 'f' -d 'Overwrite an existing output file.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" q quiet' -l 'quiet' -s 'q' -d 'Print no warnings and no progress line.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" v verbose' -l 'verbose' -s 'v' -d 'Print what was done (sizes, ratio, time) on standard error.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" trace' -l 'trace' -d 'Write a trace of the run\'s thread-pool tasks to this file (see scripts/model).' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" version' -l 'version' -d 'Show the version.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac unpack" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac cat" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jac\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat"' -s 'F' -l 'field' -d 'Fields to print, comma-separated (repeatable); in a name write \\, for a comma and \\\\ for a backslash.' -rfka '(__jac_custom_completion ---completion cat -- --field (count (__jac_tokens -pc)) (__jac_tokens -tC))'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" format' -l 'format' -d 'Output: ndjson, json-array, csv or values.' -rfka 'ndjson json-array csv values'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" r raw' -l 'raw' -s 'r' -d 'With --format values (implied): strings without quotes or escapes, as jq -r prints them.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" blocks' -l 'blocks' -d 'Only these blocks (RANGE).' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" records' -l 'records' -d 'Only these records (RANGE, numbered across the archive).' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" j threads' -s 'j' -l 'threads' -d 'Decoding threads (default: the CPUs available). Output does not depend on it.' -rfka ''
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" no-crc' -l 'no-crc' -d 'Read only the requested segments, skipping the block CRC check (less I/O; damage elsewhere in a block goes unnoticed).'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" o output' -s 'o' -l 'output' -d 'Write to this file instead of the default (\'-\' for standard output).' -rF
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" f force' -l 'force' -s 'f' -d 'Overwrite an existing output file.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" q quiet' -l 'quiet' -s 'q' -d 'Print no warnings and no progress line.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" v verbose' -l 'verbose' -s 'v' -d 'Print what was done (sizes, ratio, time) on standard error.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" version' -l 'version' -d 'Show the version.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac cat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac ls" -ge 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jac\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac ls" format' -l 'format' -d 'Output: table or json.' -rfka 'table json'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac ls" b bytes' -l 'bytes' -s 'b' -d 'Sizes in exact bytes instead of KiB, MiB, GiB.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac ls" no-types' -l 'no-types' -d 'Do not decode blocks: no value types and no NDJSON size, headers only (fast).'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac ls" q quiet' -l 'quiet' -s 'q' -d 'Print no warnings.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac ls" version' -l 'version' -d 'Show the version.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac ls" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'jac' -n '__jac_should_offer_completions_for_positional "jac verify" -ge 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jac\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac verify" against' -l 'against' -d 'Also compare the records with this JSON input, gzip, zstd or xz too (semantically: key order and number spelling aside).' -rF
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac verify" ndjson' -l 'ndjson' -d 'Read the input as a sequence of JSON objects (NDJSON, pretty-printed or concatenated).'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac verify" json-array' -l 'json-array' -d 'Read the input as one JSON array of objects.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac verify" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac verify" version' -l 'version' -d 'Show the version.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'jac' -n '__jac_should_offer_completions_for_flags_or_options "jac help" version' -l 'version' -d 'Show the version.'
