# Sourced by the tests that validate with the npm tools (ajv-cli, the SARIF
# multitool), after they define skip().
#
# npm_tools WANT PACKAGE: install them (tools/npm-tools.sh) and set bin to
# their node_modules/.bin; without Node.js skip "... cannot WANT"; a failed
# install fails in CI and skips elsewhere, naming PACKAGE.
npm_tools() {
	local want=$1 pkg=$2 out st
	out=$(bash tools/npm-tools.sh)
	st=$?
	bin=$(tail -n1 <<<"$out")
	case $st in
	0) ;;
	77) skip "Node.js/npm not installed (apt-get install nodejs npm), cannot $want" ;;
	*) [ -n "${CI:-}" ] && { echo "FAIL: tools/npm-tools.sh could not install $pkg"; exit 1; }
	   skip "tools/npm-tools.sh could not install $pkg (npm registry unreachable?)" ;;
	esac
}
