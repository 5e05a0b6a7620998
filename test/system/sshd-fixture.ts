// A private sshd on 127.0.0.1 for the system tests (backups over SFTP, Call-Home): its own config
// (the lines every test needs, plus the test's own), its own host key, its log written straight
// to a file by the daemon through an inherited fd. Never a pipe: a pipe is drained only while the
// test's event loop runs, and tests that run the console with spawnSync block it; a daemon whose
// pipe is full blocks on its next log line and stops answering ('Connection closed', banner
// timeouts). Other daemons of a test (stunnel, a proxy) start the same way (daemon()).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { stopPid, waitFor } from './helpers.js';

/** Whether nothing listens on 127.0.0.1:PORT (we could bind it). */
export const tcpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** A free TCP port on 127.0.0.1 (20100-29099), none of `exclude`. */
export async function freeTcpPort(exclude: number[] = []): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = 20_100 + Math.floor(Math.random() * 9_000);
    if (!exclude.includes(p) && (await tcpFree(p))) return p;
  }
  throw new Error('no free TCP port');
}

/** First line a TCP server on 127.0.0.1:PORT sends, or undefined. */
export const banner = (port: number, timeoutMs = 1500) =>
  new Promise<string | undefined>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    const done = (v: string | undefined) => {
      clearTimeout(t);
      s.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done(undefined), timeoutMs);
    s.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) done(buf.split('\n')[0]);
    });
    s.on('error', () => done(undefined));
    s.on('close', () => done(buf || undefined));
  });

/** Starts `cmd args` with stdout ignored and stderr appended to the file `log` (an fd, never a pipe). */
export function daemon(cmd: string, args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  try {
    return spawn(cmd, args, { stdio: ['ignore', 'ignore', fd] });
  } finally {
    closeSync(fd); // the child has its own copy
  }
}

export interface Sshd {
  readonly port: number;
  /** Its log (sshd -e: every line to stderr, so to this file). */
  readonly log: string;
  readonly pid: number | undefined;
  /** Starts it with this host key (a path); resolves once it sends its SSH banner. */
  start(hostKey: string): Promise<void>;
  /** Ends its sessions, then it; resolves once its port is free. */
  stop(): Promise<void>;
}

/**
 * A loopback sshd in `dir` (sshd_config, sshd.pid, sshd.log there): public keys only, root by key,
 * keys from `dir`/authorized_keys, LogLevel VERBOSE, then `extra` (the test's own lines, e.g.
 * 'Subsystem sftp internal-sftp'). Not started: start(hostKey).
 */
export async function sshdFixture(dir: string, extra: string[], port?: number): Promise<Sshd> {
  const p = port ?? (await freeTcpPort());
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation dir
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${p}`,
      'ListenAddress 127.0.0.1',
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'LogLevel VERBOSE',
      ...extra,
    ].join('\n') + '\n',
  );
  const log = join(dir, 'sshd.log');
  let child: ChildProcess | undefined;
  return {
    port: p,
    log,
    get pid() {
      return child?.pid;
    },
    async start(hostKey) {
      child = daemon('/usr/sbin/sshd', ['-D', '-e', '-f', config, '-h', hostKey], log);
      await waitFor('sshd to answer', async () => (await banner(p))?.startsWith('SSH-'), 20_000, 100);
    },
    async stop() {
      const pid = child?.pid;
      if (pid) for (const c of spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) await stopPid(Number(c));
      await stopPid(pid);
      await waitFor('sshd to stop listening', () => tcpFree(p), 10_000);
    },
  };
}
