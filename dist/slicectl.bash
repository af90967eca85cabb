# bash completion for slicectl, slicer's command-line client.
#
# Installed as share/bash-completion/completions/slicectl (bash-completion
# loads it on first use), or sourced by hand: . dist/slicectl.bash
#
# The commands and each command's options are read from `slicectl --help`
# (the slicectl being completed), so they cannot drift from the program;
# this file knows the values: KIND, --output, --type, --dialect, --sst,
# --event-type, and which options and commands take file names.  The
# first argument of the ns-, nsi- and vim- commands that take an ID is
# completed with the ids slicerd lists (when it answers within 2 s).

# The global options of slicectl; those that take a value.
_slicectl_globals='-u --url -s --store --cacert -o --output -j --json
-t --wait-timeout -v --verbose -h --help -V --version'
_slicectl_global_values='-u|--url|-s|--store|--cacert|-o|--output|-t|--wait-timeout'

# _slicectl_help PROG: slicectl's --help, read once per shell and program.
_slicectl_help()
{
    if [[ "${_slicectl_help_of:-}" != "$1" ]]; then
        _slicectl_help_text=$("$1" --help 2>/dev/null)
        _slicectl_help_of=$1
    fi
    printf '%s\n' "$_slicectl_help_text"
}

# _slicectl_commands PROG: every command, from the usage lines of --help
# ("  name ARGS", two spaces then a lower-case word).
_slicectl_commands()
{
    _slicectl_help "$1" | awk '/^  [a-z]/ { print $1 }' | sort -u
}

# _slicectl_options PROG CMD: the --options in CMD's usage lines (its
# line and the indented lines that continue it).
_slicectl_options()
{
    _slicectl_help "$1" | awk -v cmd="$2" '
        /^  [a-z]/ { on = ($1 == cmd) }
        /^$/ || /^[^ ]/ { on = 0 }
        on { print }' |
        grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

# _slicectl_ids PROG LIST-COMMAND [GLOBAL OPTIONS...]: the ids of the
# first column of a list, if slicerd answers soon.
_slicectl_ids()
{
    local prog=$1 list=$2
    shift 2
    timeout 2 "$prog" "$@" "$list" 2>/dev/null | awk 'NR > 1 { print $1 }'
}

_slicectl()
{
    local cur prev prog cmd i word globals=() nargs=0
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    prog=${COMP_WORDS[0]}

    # the command: the first word that is not a global option or its value
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ -n "${cmd:-}" ]]; then
            [[ "$word" != -* && "${COMP_WORDS[i - 1]}" != --* ]] &&
                nargs=$((nargs + 1))
            continue
        fi
        case $word in
        -u | --url | -s | --store | --cacert | -t | --wait-timeout)
            globals+=("$word" "${COMP_WORDS[i + 1]}")
            i=$((i + 1))
            ;;
        -o | --output)
            i=$((i + 1))
            ;;
        -*) ;;
        *) cmd=$word ;;
        esac
    done

    # values of options, global or not
    case $prev in
    -o | --output)
        COMPREPLY=($(compgen -W 'table json yaml' -- "$cur"))
        return
        ;;
    -s | --store | --cacert | --profile | --sdn-port-mapping | \
        --descriptor-file | --event-file | --ca-file)
        COMPREPLY=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
        return
        ;;
    -u | --url)
        COMPREPLY=($(compgen -W 'https://127.0.0.1:9999/osm' -- "$cur"))
        return
        ;;
    --type)
        case ${cmd:-} in
        vim-create) COMPREPLY=($(compgen -W 'sim netns openstack' -- "$cur")) ;;
        sdnc-create | sdnc-update)
            COMPREPLY=($(compgen -W 'ovs osken dummy' -- "$cur")) ;;
        esac
        return
        ;;
    --dialect)
        COMPREPLY=($(compgen -W '3gpp osm onap' -- "$cur"))
        return
        ;;
    --sst)
        COMPREPLY=($(compgen -W 'eMBB URLLC mMTC V2X' -- "$cur"))
        return
        ;;
    --event-type)
        COMPREPLY=($(compgen -W 'ns nsi' -- "$cur"))
        return
        ;;
    -t | --wait-timeout | --name | --password | --user | --url | --vim | \
        --nsd | --nst | --config | --params | --action | --vnf | --vdu | \
        --count | --timeout | --scaling-group | --latency | --sd)
        return
        ;;
    esac

    if [[ -z "${cmd:-}" ]]; then
        if [[ "$cur" == -* ]]; then
            COMPREPLY=($(compgen -W "$_slicectl_globals" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_slicectl_commands "$prog")" -- "$cur"))
        fi
        return
    fi

    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$(_slicectl_options "$prog" "$cmd") --output --json" -- "$cur"))
        return
    fi

    case $cmd in
    onboard | validate)
        COMPREPLY=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
        ;;
    list | show | delete | update)
        if ((nargs == 0)); then
            COMPREPLY=($(compgen -W 'vnfd nsd pnfd nst' -- "$cur"))
        elif [[ $cmd == update ]] && ((nargs == 2)); then
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
        fi
        ;;
    ns-show | ns-delete | ns-action | ns-heal | ns-scale | chains | \
        vnf-list | op-list)
        ((nargs == 0)) &&
            COMPREPLY=($(compgen -W "$(_slicectl_ids "$prog" ns-list "${globals[@]}")" -- "$cur"))
        ;;
    nsi-show | nsi-delete | nsi-action)
        ((nargs == 0)) &&
            COMPREPLY=($(compgen -W "$(_slicectl_ids "$prog" nsi-list "${globals[@]}")" -- "$cur"))
        ;;
    vim-show | vim-update | vim-delete)
        ((nargs == 0)) &&
            COMPREPLY=($(compgen -W "$(_slicectl_ids "$prog" vim-list "${globals[@]}")" -- "$cur"))
        ;;
    esac
}

complete -F _slicectl slicectl
