# bash completion for bpf-preflight                          -*- shell-script -*-
#
# Install: copy to /usr/share/bash-completion/completions/bpf-preflight
# (or $PREFIX/share/bash-completion/completions/), or `source` it from
# ~/.bashrc.
#
# Commands, the options of `bpf-preflight COMMAND --help` (each command
# refuses the options it does not take), rule ids from
# `bpf-preflight rules` (--enable, --disable, explain), kernels for
# --kernel (host, all, none and the releases of `--kernel all`, also after a
# comma; profile files and directories after @; known kernels after X~),
# architectures, formats, severities, program names of the objects
# already on the line (--prog), and *.o files.

# The releases `--kernel all` selects, as this version of the tool lists
# them (no config file: its profiles are not kernels one types).
_bpf_preflight_kernels()
{
	local tool=$1
	"$tool" kernels --config=/dev/null -k all 2>/dev/null | awk '/^[0-9]/ { print $1 }'
}

_bpf_preflight_rules()
{
	local tool=$1
	"$tool" rules 2>/dev/null | awk '/^[a-z0-9][a-z0-9-]* / { print $1 }'
}

# The options of the --help option list (of command $2, check by default).
_bpf_preflight_options()
{
	local tool=$1 cmd=$2
	case $cmd in check|stack|dump|graph|rules|explain|probe|kernels) ;; *) cmd=check ;; esac
	"$tool" "$cmd" --help 2>/dev/null | sed -n '/^Options:/,/^$/p' |
		grep -oE -- '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | tr -s ' ,' '\n' | grep -- '^-' | sort -u
}

_bpf_preflight_objects()
{
	compopt -o filenames 2>/dev/null
	COMPREPLY+=($(compgen -f -X '!*.o' -- "$1") $(compgen -d -- "$1"))
}

_bpf_preflight()
{
	local cur prev words cword split
	if declare -F _init_completion >/dev/null; then
		_init_completion -s -n : || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi
	local tool=${words[0]}
	command -v "$tool" >/dev/null 2>&1 || tool=bpf-preflight
	local commands="check stack dump graph rules explain probe kernels"

	# The command: the first word that is not an option (or an option's value).
	local cmd="" i w
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		case $w in
		-k|-a|-f|-p|-e|-d|-j|-o|--kernel|--arch|--format|--prog|--enable|--disable|\
		--baseline|--write-baseline|--config|--margin|--fail-on|--color|--jobs|\
		--output|--attach|--tail-target|--srcroot)
			[ "${words[i + 1]}" = "=" ] && ((i++))
			((i++)); continue ;;
		-*|=) continue ;;
		esac
		cmd=$w
		break
	done

	# The option whose value is being completed: "--opt value", "--opt=value"
	# (split by COMP_WORDBREAKS into "--opt" "=" "value", or not split).
	local opt="" val=$cur eq=""
	if [ "$cur" = "=" ]; then
		opt=$prev; val=""
	elif [ "$prev" = "=" ] && [ "$cword" -ge 2 ]; then
		opt=${words[cword - 2]}
	elif [[ $cur == --*=* ]]; then
		opt=${cur%%=*}; val=${cur#*=}; eq="$opt="
	elif [[ $prev == -* ]]; then
		opt=$prev
	fi

	COMPREPLY=()
	_bpf_preflight_value "$opt" "$val" "$cmd" "$tool"
	if [ "$_bpf_preflight_matched" = 1 ]; then
		[ -n "$eq" ] && COMPREPLY=("${COMPREPLY[@]/#/$eq}")
		return
	fi
	[[ $cur == --*=* ]] && return

	if [ -z "$cmd" ] && [[ $cur != -* ]]; then
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		_bpf_preflight_objects "$cur"
		return
	fi
	case $cmd in
	rules) return ;;
	probe|kernels) [[ $cur == -* ]] || return ;;
	explain)
		COMPREPLY=($(compgen -W "$(_bpf_preflight_rules "$tool")" -- "$cur")); return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_bpf_preflight_options "$tool" "$cmd")" -- "$cur"))
		return
	fi
	_bpf_preflight_objects "$cur"
}

# Complete the value of option $1 (typed so far: $2) into COMPREPLY; sets
# _bpf_preflight_matched=1 when $1 takes a value.
_bpf_preflight_value()
{
	local opt=$1 val=$2 cmd=$3 tool=$4 w
	_bpf_preflight_matched=1
	case $opt in
	-k|--kernel)
		local head="" last=$val
		if [[ $val == *,* ]]; then head=${val%,*},; last=${val##*,}; fi
		case $last in
		@*)	# a profile file or a directory of them
			compopt -o filenames -o nospace 2>/dev/null
			COMPREPLY=($(compgen -P "$head@" -f -X '!*.json' -- "${last#@}")
				   $(compgen -P "$head@" -d -- "${last#@}"))
			return ;;
		*~*)	# X~KNOWN: X assumed like a known kernel
			COMPREPLY=($(compgen -P "$head${last%%~*}~" -W "$(_bpf_preflight_kernels "$tool")" \
				-- "${last#*~}"))
			return ;;
		esac
		COMPREPLY=($(compgen -P "$head" -W "host all none $(_bpf_preflight_kernels "$tool")" -- "$last"))
		[[ $val == *,* || ${#COMPREPLY[@]} -gt 1 ]] && compopt -o nospace 2>/dev/null
		return ;;
	-a|--arch)
		COMPREPLY=($(compgen -W "x86_64 arm64 s390x loongarch64 riscv64 ppc64le" -- "$val")); return ;;
	-f|--format)
		# what each command prints
		local fmts="text json sarif"
		case $cmd in
		graph) fmts="dot json" ;;
		stack|dump|rules|kernels) fmts="text json" ;;
		esac
		COMPREPLY=($(compgen -W "$fmts" -- "$val")); return ;;
	--fail-on)
		COMPREPLY=($(compgen -W "error warning note" -- "$val")); return ;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$val")); return ;;
	-e|--enable|-d|--disable)
		local extra=""
		case $opt in -d|--disable) extra=all ;; esac
		COMPREPLY=($(compgen -W "$(_bpf_preflight_rules "$tool") $extra" -- "$val")); return ;;
	--baseline|--write-baseline|--config|-o|--output)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$val")); return ;;
	--srcroot)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$val")); return ;;
	-p|--prog)
		local progs=""
		for w in "${words[@]:1}"; do
			case $w in
			*.o) [ -f "$w" ] && progs+=" $("$tool" graph --format=json "$w" 2>/dev/null |
				awk -F'"' '/"name":/ { n = $4; next } /"section":/ && n != "" { print n } { n = "" }')" ;;
			esac
		done
		COMPREPLY=($(compgen -W "$(printf '%s\n' $progs | sort -u)" -- "$val")); return ;;
	-j|--jobs|--margin|--attach|--tail-target)
		return ;;
	esac
	_bpf_preflight_matched=0
}
complete -F _bpf_preflight bpf-preflight
