# shellcheck shell=bash
# ini: appliance.ini, read back by the console with the `ini` package. Sourced by common.sh.
# Values are written as JSON strings, which `ini` decodes with JSON.parse: every character a
# validator accepts round-trips unchanged (;, #, =, quotes, spaces).
ini_set() { # FILE SECTION KEY VALUE  (edits FILE in place: use on a staged temp)
  local f=$1 out
  out=$(S=$2 K=$3 V=$(json_str "$4") awk '
    BEGIN { sec = ENVIRON["S"]; key = ENVIRON["K"]; line = key " = " ENVIRON["V"]; insec = 0; done = 0; seen = 0; blanks = 0 }
    # blank lines are held back so a new key goes right after the last key of the section
    /^[ \t]*$/ { blanks++; next }
    /^[ \t]*\[[^]]*\][ \t]*$/ {
      if (insec && !done) { print line; done = 1 }
      flush()
      h = $0; gsub(/^[ \t]*\[|\][ \t]*$/, "", h); insec = (h == sec); if (insec) seen = 1
      print; next
    }
    insec && !done && /=/ {
      k = $0; sub(/=.*/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", k)
      if (k == key) { flush(); print line; done = 1; next }
    }
    { flush(); print }
    END {
      if (!done) { if (!seen) { if (NR > 0) print ""; print "[" sec "]" } print line }
      flush()
    }
    function flush() { while (blanks > 0) { print ""; blanks-- } }
  ' "$f") || return 1
  printf '%s\n' "$out" >"$f"
}

ini_get() { # FILE SECTION KEY → the value (JSON-quoted values decoded), empty when absent
  local f=$1
  [[ -f $f ]] || return 0
  S=$2 K=$3 awk '
    BEGIN { sec = ENVIRON["S"]; key = ENVIRON["K"]; insec = 0 }
    /^[ \t]*\[[^]]*\][ \t]*$/ { h = $0; gsub(/^[ \t]*\[|\][ \t]*$/, "", h); insec = (h == sec); next }
    insec && /=/ {
      k = $0; sub(/=.*/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", k)
      if (k != key) next
      v = $0; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
      if (v ~ /^".*"$/) {
        v = substr(v, 2, length(v) - 2); out = ""
        for (i = 1; i <= length(v); i++) {
          c = substr(v, i, 1)
          if (c == "\\") { i++; c = substr(v, i, 1); if (c == "n") c = "\n"; else if (c == "t") c = "\t"; else if (c == "r") c = "\r" }
          out = out c
        }
        v = out
      } else { sub(/[ \t]*[;#].*$/, "", v) }
      print v; exit
    }
  ' "$f"
}
