#!/usr/bin/env python3
"""Starts the installed executable on an 80x24 pty (TERM=xterm-256color, no TMUX: its first
stage draws the first frame), sends SIGNAL DELAY seconds after the first frame is on the pty,
and prints one JSON line: the exit status, how often the alternate screen was entered and left,
and whether it was still running 10 s after the signal (then killed).
Usage: early-signal.py EXE ROOT SIGNAL DELAY"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

exe, root, name, delay = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ('TMUX', 'TERMINFO', 'TERMINFO_DIRS', 'COLORTERM', 'TERM_PROGRAM', 'VTE_VERSION')}
    env['TERM'] = 'xterm-256color'
    os.execve(exe, [exe, '--demo', '--root', root], env)
out, sent, hung = b'', None, False
while True:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            d = os.read(fd, 65536)
        except OSError:
            d = b''
        if not d:
            break
        out += d
    if sent is None and b'Welcome' in out:
        time.sleep(delay)
        os.kill(pid, getattr(signal, name))
        sent = time.monotonic()
    if sent is None and len(out) == 0 and os.waitpid(pid, os.WNOHANG)[0]:
        break
    if sent is not None and time.monotonic() - sent > 10:
        hung = True
        os.kill(pid, signal.SIGKILL)
        break
_, st = os.waitpid(pid, 0)
print(json.dumps({'signalled': sent is not None, 'hung': hung, 'exit': os.WEXITSTATUS(st) if os.WIFEXITED(st) else None,
                  'signal': os.WTERMSIG(st) if os.WIFSIGNALED(st) else None,
                  'enters': out.count(b'\x1b[?1049h'), 'leaves': out.count(b'\x1b[?1049l')}))
