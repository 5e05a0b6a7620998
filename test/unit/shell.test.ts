// vSensor 5 Shell in the pure flow: root on an appliance gets the login effect; without root
// the item says that login needs root and starts nothing; the demo says what it would do and
// opens no shell; a login that cannot start is said, back at the menu.
import { describe, expect, it } from 'vitest';
import { init } from '../../src/flow/model.js';
import { DEMO_SHELL } from '../../src/flow/update.js';
import { view } from '../../src/flow/view.js';
import { conditions } from '../../src/menu/conditions.js';
import { loadTree } from '../../src/menu/trees.js';
import { loginBanner, LOGIN_BANNER } from '../../src/features/shell/index.js';
import { drive } from '../support/drive.js';

const vsensor = loadTree('vsensor');
const atShell = (facts: { demo: boolean; uid: number }) => drive(init(vsensor, conditions(facts)), { type: 'ok' }, { type: 'hotkey', key: '5' }, { type: 'ok' });

describe('vSensor 5 Shell', () => {
  it('as root on an appliance: the shell effect, a blank screen until login ends, then the menu', () => {
    const { m, effects } = atShell({ demo: false, uid: 0 });
    expect(effects).toContainEqual({ type: 'shell' });
    expect(view(m)).toEqual({ kind: 'blank' });
    expect(view(drive(m, { type: 'returned' }).m)).toMatchObject({ kind: 'menu', title: 'Main Menu' });
  });

  it('login cannot start: said, then back at the menu', () => {
    const { m } = atShell({ demo: false, uid: 0 });
    const failed = drive(m, { type: 'failed', message: 'cannot start login: spawn login ENOENT' }).m;
    expect(view(failed)).toMatchObject({ kind: 'message', text: 'cannot start login: spawn login ENOENT', ok: false });
    expect(view(drive(failed, { type: 'ok' }).m)).toMatchObject({ kind: 'menu', title: 'Main Menu' });
  });

  for (const uid of [1000, 65534]) {
    it(`not root (uid ${uid}): disabled, saying login needs root; no shell`, () => {
      const { m, effects } = atShell({ demo: false, uid });
      expect(effects.some((e) => e.type === 'shell')).toBe(false);
      expect(view(m)).toMatchObject({ kind: 'message', text: expect.stringMatching(/login prompt needs root rights.*sudo confconsole/) });
    });
  }

  for (const uid of [0, 1000]) {
    it(`the demo (uid ${uid}) says what it would do and opens no shell`, () => {
      const { m, effects } = atShell({ demo: true, uid });
      expect(effects).toEqual([]);
      expect(view(m)).toMatchObject({ kind: 'message', title: 'Shell', text: DEMO_SHELL });
      expect(DEMO_SHELL).toContain(LOGIN_BANNER);
    });
  }

  it('the banner is the manual two lines, naming the admin user', () => {
    expect(loginBanner('darktrace').split('\n')).toEqual([LOGIN_BANNER, '*** To login, enter the username darktrace, then enter the password when prompted']);
  });
});
