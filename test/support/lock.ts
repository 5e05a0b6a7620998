// The writers' lock of an appliance root (sbin/lib/common.sh: ROOT/run/confconsole/lock), held
// by a test. Every writer waits for it, the network rollback timer too (CONFCONSOLE_LOCK_WAIT=300
// there), so holding it keeps a pending network change pending for as long as the test needs,
// however slowly a busy machine gets there; released, the timer does its work at once.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface HeldLock {
  /** Lets the lock go and resolves once the holder has exited (the lock is free). */
  release(): Promise<void>;
}

export function holdLock(root: string, timeoutMs = 30_000): Promise<HeldLock> {
  const lock = join(root, 'run/confconsole/lock');
  mkdirSync(join(root, 'run/confconsole'), { recursive: true });
  // flock runs the shell with the lock held: it says so, then holds it until its stdin closes
  const holder = spawn('flock', ['-x', lock, 'sh', '-c', 'echo held; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => holder.once('close', () => r()));
  const release = async () => {
    holder.stdin!.end();
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      holder.kill('SIGKILL');
      reject(new Error(`the lock ${lock} was not free within ${timeoutMs} ms`));
    }, timeoutMs);
    holder.stdout!.once('data', () => {
      clearTimeout(timer);
      resolve({ release });
    });
    holder.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
