// The fault harness's watchers and figures: a sampler of every process's argv and environment
// (/proc/*/cmdline, /proc/*/environ) looking for the secrets in use, and where each part of
// the harness leaves its figures for the runner (test/fault/run.mjs).
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { sleep } from '../system/helpers.js';

export interface Figures {
  seed: number;
  /** writers killed (SIGKILL seen) */
  kills: number;
  killedByMode: Record<string, number>;
  /** writers that ran to their end */
  finished: number;
  steps: number;
  /** checks after recovery that found the appliance not whole */
  inconsistent: number;
  /** the writers' lock still held after recovery */
  stuckLocks: number;
  /** journal or temp files left after recovery */
  leftovers: number;
  /** secrets seen in a process's argv/environment, or in a file outside the secrets */
  leaks: number;
  /** rounds of the /proc sampler */
  sampled: number;
  recoveries: number;
  problems: string[];
}

/**
 * Reads every process's cmdline and environ in a loop until stopped; `hits` are the samples
 * holding one of `secrets()` (read each round: the harness adds secrets as it goes).
 */
export function procSampler(secrets: () => string[]) {
  const hits: string[] = [];
  let rounds = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const needles = secrets().map((s) => Buffer.from(s));
      if (needles.length > 0) {
        for (const pid of readdirSync('/proc')) {
          if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
          for (const what of ['cmdline', 'environ'] as const) {
            let b: Buffer;
            try {
              b = readFileSync(`/proc/${pid}/${what}`);
            } catch {
              continue; // gone meanwhile
            }
            for (const n of needles) if (b.includes(n)) hits.push(`secret in pid ${pid} ${what}: ${b.toString().replace(/\0/g, ' ').slice(0, 200)}`);
          }
        }
        rounds++;
      }
      await sleep(3);
    }
  })();
  return {
    async stop() {
      stop = true;
      await loop;
      return { hits, rounds };
    },
  };
}

/** Appends one part's figures (JSON line) to CONFCONSOLE_FAULT_REPORT, when the runner set it. */
export function writeFigures(part: string, figures: object): void {
  const f = process.env.CONFCONSOLE_FAULT_REPORT;
  if (f) appendFileSync(f, JSON.stringify({ part, ...figures }) + '\n');
}
