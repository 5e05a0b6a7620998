// Facts that hide or disable menu items: condition name → the reason it holds.
export interface Facts {
  demo: boolean;
  uid: number;
}

export function conditions(f: Facts): Record<string, string> {
  const c: Record<string, string> = {};
  if (f.demo) c.demo = 'this is the demo appliance';
  else c['not-demo'] = 'this is not the demo appliance';
  if (!f.demo && f.uid !== 0) c['needs-root'] = 'changes need root rights: run sudo confconsole';
  return c;
}
