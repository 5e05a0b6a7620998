// When the conditions that hide or disable menu items hold, and the reason each gives.
import type { Condition } from './types.js';

export interface Facts {
  demo: boolean;
  uid: number;
}

/** Condition → the reason it holds, for those that hold (what a disabled item says). */
export function conditions(f: Facts): Partial<Record<Condition, string>> {
  const c: Partial<Record<Condition, string>> = {};
  if (f.demo) c.demo = 'this is the demo appliance';
  else c['not-demo'] = 'this is not the demo appliance';
  if (!f.demo && f.uid !== 0) c['needs-root'] = 'changes need root rights: run sudo confconsole';
  // login switches to the user who logs in: only root may run it for another user
  if (!f.demo && f.uid !== 0) c['login-needs-root'] = 'the login prompt needs root rights (login runs as root to switch to the user who logs in): start the console with sudo confconsole';
  return c;
}
