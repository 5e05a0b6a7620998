// The console keyboard layout as an area of the settings document (issue 15; vSensor, manual
// ch. 7): XKBLAYOUT of /etc/default/keyboard, applied by set_keyboard.sh as Setup > Keyboard does;
// whether this system has the layout only the script can say (check).
import { z } from 'zod';
import { keyboardLayout } from '../../rules/console.js';
import { area, ruled } from '../../settings/area.js';
import { currentLayout, keyboardSet } from './index.js';

/** `{layout}`: an XKB layout's short name ('' only while none is set: an import cannot unset it). */
export const KeyboardSettings = z.lazy(() => z.strictObject({
  layout: z.union([z.literal(''), ruled(keyboardLayout).transform((s) => s.trim().toLowerCase())], { error: "must be a layout's short name as text (e.g. us, gb, de)" }),
}));

export const keyboardSettings = area({
  id: 'keyboard',
  title: 'Console keyboard layout',
  profiles: ['vsensor'],
  schema: KeyboardSettings,
  async read(ctx) {
    return { layout: await currentLayout(ctx.paths) };
  },
  /** set_keyboard.sh --dry-run: does this system have the layout. */
  /** No layout in the document (exported before one was set): the one in place is kept. */
  keep(want, have) {
    return want.layout === '' && have.layout !== ''
      ? { want: have, kept: [{ path: 'layout', why: `the document sets no layout (taken before one was set) and a layout cannot be unset: the one in place (${have.layout}) is kept` }] }
      : { want, kept: [] };
  },
  async check(ctx, want) {
    if (want.layout === '') return {};
    return (await keyboardSet.check(ctx, { layout: want.layout })).errors;
  },
  async apply(ctx, want, _have, io) {
    return keyboardSet.apply(ctx, { layout: want.layout }, io);
  },
});
