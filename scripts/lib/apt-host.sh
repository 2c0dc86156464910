# shellcheck shell=bash
# What this machine's apt client is configured with, for builds that fetch Debian packages elsewhere (debootstrap,
# apt-get inside `docker build`): never a hard-coded mirror or proxy.
#
#   . scripts/lib/apt-host.sh
#   apt_mirror bookworm-security     # first URI of a `deb` source for that suite, e.g. http://…/debian-security
#   apt_acquire_conf                 # the host's Acquire:: proxy and validity settings, as apt.conf lines
#   apt_install PACKAGE...           # apt-get install, quietly, after one `apt-get update`

# First URI of a plain `deb` source for suite $1.
apt_mirror() {
  _apt_mirrors "$1" | awk 'NR == 1' # reads everything: no SIGPIPE under pipefail
}

# URIs of the `deb` sources for suite $1: deb822 *.sources files first, then one-line *.list files.
_apt_mirrors() {
  local suite=$1 file
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -e "$file" ] || continue
    awk -v suite="$suite" '
      function flush() { if (is_deb && has_suite && uri != "") { print uri; found = 1; exit } is_deb = has_suite = 0; uri = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") is_deb = 1 }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) has_suite = 1 }
      END { if (!found) flush() }
    ' "$file"
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$file" ] || continue
    # deb [options] URI SUITE COMPONENTS...
    sed -E 's/\[[^]]*\]//' "$file" | awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2 }'
  done
}

# Proxies and the Release-file validity checks (a mirror may serve an archive snapshot) as the host sets them.
apt_acquire_conf() {
  apt-config dump | grep -E '^Acquire::(https?::Proxy|Check-Valid-Until|Check-Date) ' || true
}

apt_install() {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
