# Sourced by fdt/corpus/fetch and fdt/dtc-suite/run: the cache folder, and Debian sources fetched with apt.
# Nothing here changes the machine's apt configuration: a source package of another release is fetched
# through a private deb-src list kept in the cache, on the same mirror as the machine's own Debian line.

if [ -n "${DOMUS_CACHE:-}" ]; then CACHE=$DOMUS_CACHE
elif [[ "${XDG_CACHE_HOME:-}" == /* ]]; then CACHE=$XDG_CACHE_HOME/domus
else CACHE=$HOME/.cache/domus; fi

# Runs "$@" holding the cache's lock (the one the guest payload's fetcher takes), so that two test runs fill
# the cache once.
with_cache_lock() {
  mkdir -p "$CACHE"
  ( flock 9; "$@" ) 9>"$CACHE/.lock"
}

# The Debian archive's URI the machine installs from (its deb line for its own release).
debian_mirror() {
  local codename uri
  codename=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
  uri=$(apt-get indextargets --format '$(REPO_URI) $(ORIGIN) $(CODENAME) $(TARGET_OF)' 2>/dev/null \
        | awk -v c="$codename" '$2 == "Debian" && $3 == c && $4 == "deb" { print $1; exit }')
  echo "${uri:-http://deb.debian.org/debian/}"
}

# fetch_source_tarball PACKAGE UPSTREAM_VERSION SUITE DEST: the upstream tarball of PACKAGE's UPSTREAM_VERSION-*
# source in SUITE, downloaded (checked against the archive's signed index, as apt checks everything) into DEST.
fetch_source_tarball() {
  local pkg=$1 upstream=$2 suite=$3 dest=$4 apt=$CACHE/apt-src/$3 ver
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts"
  printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$(debian_mirror)" "$suite" > "$apt/parts/$suite-src.sources"
  local A=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt/parts" -o Dir::State::Lists="$apt/lists"
           -o Dir::Cache="$apt/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User="$(id -un)")
  ver=$(apt-cache "${A[@]}" showsrc "$pkg" 2>/dev/null | sed -n "s/^Version: \($upstream-.*\)/\1/p" | head -1 || true)
  if [ -z "$ver" ]; then
    apt-get "${A[@]}" update -q >/dev/null || { echo "apt-get update ($suite sources) failed" >&2; return 1; }
    ver=$(apt-cache "${A[@]}" showsrc "$pkg" | sed -n "s/^Version: \($upstream-.*\)/\1/p" | head -1)
  fi
  [ -n "$ver" ] || { echo "the archive has no $pkg $upstream source in $suite" >&2; return 1; }
  # --tar-only: the upstream tarball holds the tests; Debian's changes are packaging.
  (cd "$dest" && apt-get "${A[@]}" source -q --download-only --tar-only "$pkg=$ver" >/dev/null) \
    || { echo "apt-get source $pkg=$ver failed" >&2; return 1; }
}
