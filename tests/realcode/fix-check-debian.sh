#!/usr/bin/env bash
# Apply leakscope's fixes to copies of Debian's Go sources of etcd, docker and containerd and check
# that nothing broke: every package that built before still builds, `go vet` of the changed packages
# reports nothing new, their tests pass as they did before, and the changed files stay gofmt-clean.
# Fixed is always compared with the unfixed original, so what fails on both sides does not count.
#
#   tests/realcode/fix-check-debian.sh [--unsafe] [LEAKSCOPE]     (LEAKSCOPE defaults to `leakscope`)
#
# Takes about 25-40 minutes on 2 cores. Needs Debian's golang-1.19-go, golang-etcd-server-dev,
# golang-github-docker-docker-dev and golang-github-containerd-containerd-dev (installed when
# missing; root), which put the sources and all their dependencies under /usr/share/gocode/src.
# Builds in GOPATH mode with Go 1.19 (set GODIR to use another toolchain folder). Changed files that
# the linux/amd64 build and vet do not compile here (other GOOS, build tags, missing dependencies) are
# type-checked with go/types instead; their new type errors count as build errors. Tests run with
# -short in their own network namespace (loopback only); a test that fails on the fixed side, passes
# on the original and then passes on the fixed side is reported as flaky and not counted.
# Uses a scratch folder under ${TMPDIR:-/tmp}; set KEEP=1 to keep it. Prints one summary line per
# project, then the total as the last line:
#   debian <mode> fixes: N files; build errors X; new vet reports Y; packages with new test failures Z; not gofmt-clean W
# Exit 0 when X, Y, Z and W are all 0.
# shellcheck disable=SC2086  # package lists are split into words on purpose
set -u
mode=safe; [[ ${1:-} == --unsafe ]] && { mode=unsafe; shift; }
LSK=${1:-leakscope}
GODIR=${GODIR:-/usr/lib/go-1.19}
SRC=/usr/share/gocode/src
names=(etcd docker containerd)
declare -A proj=([etcd]=go.etcd.io/etcd [docker]=github.com/docker/docker [containerd]=github.com/containerd/containerd)
[[ -x $GODIR/bin/go && -d $SRC/go.etcd.io/etcd && -d $SRC/github.com/docker/docker && -d $SRC/github.com/containerd/containerd ]] || \
  apt-get install -y -q --no-install-recommends golang-1.19-go golang-etcd-server-dev golang-github-docker-docker-dev \
    golang-github-containerd-containerd-dev >/dev/null 2>&1 || { echo "cannot install the Debian Go sources"; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/fixcheck-debian.XXXXXX")
[[ ${KEEP:-} == 1 ]] || trap 'chmod -R u+w "$W" 2>/dev/null; rm -rf "$W"' EXIT
# Two GOPATHs: orig is a copy of the whole tree; fixed hardlinks orig's dependencies and has real
# copies of the three project folders, the only files that leakscope writes and tests run in.
mkdir -p "$W/orig" "$W/fixed"; cp -a "$SRC" "$W/orig/src"
# GOPATH mode has no major-version suffixes: where a folder holds module X/vN (gotest.tools/v3, which
# docker's tests import, ...), link X/vN to it, as the module would be found.
(cd "$W/orig/src" && find . -name go.mod -not -path '*/testdata/*' | while read -r m; do
  d=${m#./}; d=${d%/go.mod}; mod=$(sed -nE 's/^module[[:space:]]+"?([^" ]+)"?.*/\1/p' "$m" | head -1)
  [[ $mod == "$d"/* && ${mod#"$d"/} =~ ^v[0-9]+$ && ! -e $mod ]] && ln -s . "$mod"; done)
cp -al "$W/orig/src" "$W/fixed/src"
for n in "${names[@]}"; do rm -rf "${W:?}/fixed/src/${proj[$n]}"; cp -a "$W/orig/src/${proj[$n]}" "$W/fixed/src/${proj[$n]}"; done
export GO111MODULE=off GOTOOLCHAIN=local GOPROXY=off GOFLAGS='' GOENV=off CGO_ENABLED=1 GOCACHE="$W/gocache"
cd "$W" || exit 2
# A changed file that the linux/amd64 build and vet do not compile (another GOOS, a build tag, or a
# package whose dependencies Debian does not ship) is type-checked by this small go/types program.
mkdir -p "$W/typecheck"; cat >"$W/typecheck/main.go" <<'GO'
// typecheck IMPORTPATH/FILE.go ...: type-check the package of each file, for a GOOS and build tags
// under which that file is compiled, with go/types from source. Imports that cannot be loaded are
// faked, so a package whose dependencies are missing is still checked. Prints one error a line.
package main

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/build/constraint"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path"
	"path/filepath"
	"strings"
)

var oses = []string{"linux", "windows", "darwin", "freebsd", "openbsd", "netbsd", "solaris", "plan9", "js", "aix", "android", "illumos", "ios", "dragonfly"}

func tags(file string) []string { // the non-OS identifiers in the file's build constraints
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "package ") {
			break
		}
		if !constraint.IsGoBuild(line) && !constraint.IsPlusBuild(line) {
			continue
		}
		if x, err := constraint.Parse(line); err == nil {
			x.Eval(func(tag string) bool {
				for _, o := range oses {
					if tag == o {
						return false
					}
				}
				out = append(out, tag)
				return false
			})
		}
	}
	return out
}

func main() {
	done := map[string]bool{}
	for _, arg := range os.Args[1:] {
		pkgPath, name := path.Dir(arg), path.Base(arg)
		var ctxt build.Context
		var bp *build.Package
		for _, goos := range append([]string{""}, oses...) {
			c := build.Default
			if goos != "" {
				c.GOOS, c.CgoEnabled = goos, false
			}
			if d, err := c.Import(pkgPath, "", build.FindOnly); err == nil {
				c.BuildTags = tags(filepath.Join(d.Dir, name))
			}
			p, err := c.Import(pkgPath, "", 0)
			if p == nil || p.Dir == "" || err != nil && len(p.GoFiles)+len(p.TestGoFiles)+len(p.XTestGoFiles) == 0 {
				continue
			}
			if ok, _ := c.MatchFile(p.Dir, name); ok {
				ctxt, bp = c, p
				break
			}
		}
		if bp == nil {
			fmt.Printf("%s: no GOOS or build tags here compile this file\n", arg)
			continue
		}
		key := pkgPath + " " + ctxt.GOOS + " " + strings.Join(ctxt.BuildTags, ",")
		if done[key] {
			continue
		}
		done[key] = true
		build.Default = ctxt // the source importer resolves imports with build.Default
		fset := token.NewFileSet()
		imp := importer.ForCompiler(fset, "source", nil)
		check := func(files []string, path string) {
			var fs []*ast.File
			for _, f := range files {
				af, err := parser.ParseFile(fset, filepath.Join(bp.Dir, f), nil, 0)
				if err != nil {
					fmt.Println(err)
					continue
				}
				fs = append(fs, af)
			}
			conf := types.Config{Importer: imp, FakeImportC: true, Error: func(err error) { fmt.Println(err) }}
			conf.Check(path, fset, fs, nil)
		}
		check(append(append(append([]string{}, bp.GoFiles...), bp.CgoFiles...), bp.TestGoFiles...), bp.ImportPath)
		if len(bp.XTestGoFiles) > 0 {
			check(bp.XTestGoFiles, bp.ImportPath+"_test")
		}
	}
}
GO
"$GODIR/bin/go" build -o "$W/typecheck/typecheck" "$W/typecheck/main.go" || { echo "cannot build the type checker"; exit 2; }
gotool() { local side=$1; shift; GOPATH="$W/$side" "$GODIR/bin/go" "$@"; }
# Tests run in new network, mount and pid namespaces: only loopback, mounts stay inside, and a
# timeout kills every process the test started. Without them (not root) no test is run.
iso=(unshare --net --mount --pid --fork --kill-child --mount-proc sh -c 'ip link set lo up && exec "$@"' sh)
"${iso[@]}" true 2>/dev/null || { iso=(); echo "cannot make a network namespace (needs root): tests are not run"; }
gotest() {  # side package
  [[ ${#iso[@]} -gt 0 ]] || return 1
  timeout 330 env GOPATH="$W/$1" "${iso[@]}" "$GODIR/bin/go" test -short -count=1 -timeout 300s "$2"
}
# shellcheck disable=SC2016  # go list templates: the files that a package's build, and its tests, compile
gofiles='{{if not .Incomplete}}{{$d := .ImportPath}}{{range .GoFiles}}{{$d}}/{{.}}
{{end}}{{range .CgoFiles}}{{$d}}/{{.}}
{{end}}{{end}}'
# shellcheck disable=SC2016
files='{{$d := .ImportPath}}{{range .GoFiles}}{{$d}}/{{.}}
{{end}}{{range .CgoFiles}}{{$d}}/{{.}}
{{end}}{{range .TestGoFiles}}{{$d}}/{{.}}
{{end}}{{range .XTestGoFiles}}{{$d}}/{{.}}
{{end}}'
norm() { grep -E '\.go:[0-9]+' | sed -E 's#([^ ]*/)?(orig|fixed)/src/##g; s#^\./##; s#\.go:[0-9]+(:[0-9]+)?:#.go:#g' | sort -u; }
flags=(); [[ $mode == unsafe ]] && flags=(--unsafe)
tf=0; tb=0; tv=0; tt=0; tg=0
for n in "${names[@]}"; do
  p=${proj[$n]}
  PATH="$GODIR/bin:$PATH" GOPATH="$W/fixed" LEAKSCOPE_CACHE_DIR="$W/cache" "$LSK" fix "$W/fixed/src/$p" "${flags[@]}" >"$W/fix-$n.log" 2>&1
  rc=$?; [[ $rc -le 1 ]] || { echo "$n: leakscope fix exited with status $rc:"; tail -5 "$W/fix-$n.log"; }
  odd=$(diff -rq "orig/src/$p" "fixed/src/$p" | grep -v '^Files .* differ$')
  [[ -z $odd ]] || { echo "$n: files added or removed by the fixes:"; head -5 <<<"$odd"; }
  changed=$(diff -rq "orig/src/$p" "fixed/src/$p" | sed -nE 's#^Files orig/src/(.*) and fixed/src/.* differ$#\1#p')
  nfiles=$(grep -c . <<<"$changed")
  pkgs=$(sed -E 's#/[^/]*$##' <<<"$changed" | grep -v testdata | sort -u)
  echo "$n: fixes ($mode) changed $nfiles files in $(grep -c . <<<"$pkgs") packages"
  # Build every package of the project that loads (all its dependencies found) on the original.
  # -trimpath keeps the sides' build actions alike, so the dependencies are compiled once.
  buildable=$(gotool orig list -e -f '{{if not .Incomplete}}{{.ImportPath}}{{end}}' "$p/..." 2>/dev/null)
  gotool orig build -trimpath $buildable >"$W/build-orig-$n.log" 2>&1
  gotool fixed build -trimpath $buildable >"$W/build-$n.log" 2>&1
  builderr=$(comm -13 <(norm <"$W/build-orig-$n.log") <(norm <"$W/build-$n.log"))
  vetnew=""
  if [[ -n $pkgs ]]; then
    # go vet stops at the first package that does not load, so vet only those that load with their
    # tests' imports; vet type-checks the test files too.
    vetok=$(for q in $pkgs; do [[ -z $(gotool orig list -e -test -deps -f '{{if or .Error .DepsErrors}}x{{end}}' "$q" 2>/dev/null) ]] && echo "$q"; done)
    seen=$(gotool fixed list -e -f "$gofiles" $pkgs 2>/dev/null)
    if [[ -n $vetok ]]; then
      gotool orig vet -trimpath $vetok >"$W/vet-orig-$n.log" 2>&1
      gotool fixed vet -trimpath $vetok >"$W/vet-$n.log" 2>&1
      vetnew=$(comm -13 <(norm <"$W/vet-orig-$n.log") <(norm <"$W/vet-$n.log"))
      seen=$(printf '%s\n%s' "$seen" "$(gotool fixed list -e -f "$files" $vetok 2>/dev/null)")
    fi
    # Changed files that neither the build nor vet compiled here: type-check their packages leniently.
    other=$(comm -23 <(sort <<<"$changed") <(sort <<<"$seen") | grep -v testdata)
    if [[ -n $other ]]; then
      echo "$n: $(grep -c . <<<"$other") changed files not compiled by the linux/amd64 build or vet here, type-checked with go/types instead:"
      printf '  %s\n' $other
      GOPATH="$W/orig" "$W/typecheck/typecheck" $other >"$W/typecheck-orig-$n.log" 2>&1
      GOPATH="$W/fixed" "$W/typecheck/typecheck" $other >"$W/typecheck-$n.log" 2>&1
      grep -h 'no GOOS or build tags' "$W/typecheck-$n.log"
      builderr=$(printf '%s\n%s' "$builderr" "$(comm -13 <(norm <"$W/typecheck-orig-$n.log") <(norm <"$W/typecheck-$n.log"))" | grep .)
    fi
  fi
  [[ -z $builderr ]] || { echo "$n: new build errors:"; head -10 <<<"$builderr"; }
  [[ -z $vetnew ]] || { echo "$n: new vet reports:"; head -10 <<<"$vetnew"; }
  newfail=""; bothfail=""
  for q in $pkgs; do
    [[ -n $(gotool fixed list -e -f '{{if or .TestGoFiles .XTestGoFiles}}y{{end}}' "$q" 2>/dev/null) ]] || continue
    gotest fixed "$q" >"$W/t.log" 2>&1 && continue
    gotest orig "$q" >"$W/t0.log" 2>&1 || { bothfail="$bothfail $q"; continue; }
    # Failed fixed, passed orig: run fixed once more to tell a flaky test from a broken one.
    if gotest fixed "$q" >"$W/t1.log" 2>&1; then
      echo "$n: tests failed once in $q, then passed (flaky; not counted):"; grep -E -- '--- FAIL|panic:' "$W/t.log" | head -3; continue
    fi
    newfail="$newfail $q"; echo "$n: tests newly fail in $q:"
    grep -E -- '--- FAIL|panic:|SIGSEGV|cannot|undefined|mismatched|timed out|\.go:[0-9]+:[0-9]+: ' "$W/t.log" | head -6
  done
  [[ -z $bothfail ]] || echo "$n: tests fail on the original too (not counted):$bothfail"
  # A changed file must still parse and be gofmt-clean when its original was.
  gofmtbad=$(for f in $changed; do
    out=$("$GODIR/bin/gofmt" -l "fixed/src/$f" 2>&1) && [[ -z $out ]] && continue
    [[ -n $("$GODIR/bin/gofmt" -l "orig/src/$f" 2>&1) ]] || echo "$f"; done)
  [[ -z $gofmtbad ]] || { echo "$n: no longer gofmt-clean:"; head -5 <<<"$gofmtbad"; }
  nb=$(grep -c . <<<"$builderr"); nv=$(grep -c . <<<"$vetnew"); nt=$(wc -w <<<"$newfail"); ng=$(grep -c . <<<"$gofmtbad")
  echo "$n $mode fixes: $nfiles files; build errors $nb; new vet reports $nv; packages with new test failures $nt; not gofmt-clean $ng"
  tf=$((tf + nfiles)); tb=$((tb + nb)); tv=$((tv + nv)); tt=$((tt + nt)); tg=$((tg + ng))
done
echo "debian $mode fixes: $tf files; build errors $tb; new vet reports $tv; packages with new test failures $tt; not gofmt-clean $tg"
[[ $tb == 0 && $tv == 0 && $tt == 0 && $tg == 0 ]]
