#!/usr/bin/env node
// confconsole(8) from the command table: the usage that `confconsole --help` prints (generated
// from the features' commands, src/commands/parse.ts) read from stdin, framed as a manual page
// with the sections a packaged console needs (login shell, files, exit status).
// Usage: confconsole --help | node packaging/manpage.mjs VERSION DATE > confconsole.8
import { readFileSync } from 'node:fs';

const usage = readFileSync(0, 'utf8');
/** Text as roff shows it literally: backslashes doubled, a line's leading . or ' protected. */
const roff = (t) => t.replace(/\\/g, '\\e').replace(/^([.'])/gm, '\\&$1');

if (process.argv[2] === '--script') {
  // a script's page: NAME.sh(8) with the script's --help as its description
  const [, name, version, date] = process.argv.slice(2);
  process.stdout.write(`.TH ${name.toUpperCase()} 8 "${date}" "confconsole ${version}" "System Administration"
.SH NAME
${name} \\- confconsole script (see confconsole(8))
.SH DESCRIPTION
.nf
${roff(usage.trimEnd())}
.fi
.PP
It prints a log for people on standard error and one JSON object on standard output. Exit
codes: 0 done, 1 failed, 2 bad input (the field is named), 3 restored, 4 locked, 5 a test
found a problem, 6 partly done, 7 a service stays down after the restore.
.SH SEE ALSO
.BR confconsole (8)
`);
  process.exit(0);
}
const [version, date] = process.argv.slice(2);

process.stdout.write(`.TH CONFCONSOLE 8 "${date}" "confconsole ${version}" "System Administration"
.SH NAME
confconsole \\- configuration console of the vSensor and master/probe appliance
.SH SYNOPSIS
.B confconsole
[\\fIOPTIONS\\fR] [\\fICOMMAND\\fR ...]
.br
.B confconsole \\-c
\\fI"COMMAND"\\fR
.SH DESCRIPTION
With no command, on a terminal, \\fBconfconsole\\fR opens the console: menus for the network,
NTP, the master connection, Call-Home, PCAP, services and power. Every change the console
makes can also be made with a command, and is made by the scripts in \\fI/usr/sbin\\fR
(their library is in \\fI/usr/lib/confconsole\\fR). The usage below is generated from the
same command table as \\fBconfconsole \\-\\-help\\fR.
.PP
.nf
${roff(usage.trimEnd())}
.fi
.SH LOGIN SHELL
\\fB/usr/sbin/confconsole\\fR is the login shell of the \\fBconsole\\fR user, which the package
creates without a password. Logging in on the VGA console or with \\fBssh console@\\fIappliance\\fR
opens the console as root (through \\fI/etc/sudoers.d/confconsole\\fR, which allows exactly
this program); leaving the console ends the session, and no key leads to a shell.
.PP
\\fBssh console@\\fIappliance\\fR \\fICOMMAND\\fR makes sshd start the shell as
\\fBconfconsole \\-c "\\fICOMMAND\\fB"\\fR: it runs \\fICOMMAND\\fR only when it is one of the
console's commands that change nothing (show, status, test and info commands) and exits with
that command's code. Anything else (a shell command, \\fBscp\\fR, \\fBsftp\\fR, a change) is refused
with one line and exit code 2.
.SH FILES
.TP
.I /etc/confconsole/appliance.ini
The appliance's settings; \\fB[appliance] profile\\fR is \\fBappliance\\fR or \\fBvsensor\\fR.
.TP
.I /var/log/confconsole/audit.log
Every change made, by whom.
.TP
.I /var/log/confconsole/console.log
Internal errors of the console, with their stack.
.SH EXIT STATUS
0 done; 1 failed; 2 bad input or refused (the field is named); 3 restored after a failed
change; 4 another console holds the lock; 5 a test found a problem; 6 partly done; 7 a
service stays down after the restore;
70 internal error.
.SH SEE ALSO
.BR sudo (8),
.BR sshd (8)
`);
