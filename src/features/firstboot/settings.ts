// The console keyboard layout as an area of the settings document (issue 15; vSensor, manual
// ch. 7): XKBLAYOUT of /etc/default/keyboard, applied by set_keyboard.sh as Setup > Keyboard does;
// whether this system has the layout only the script can say (check).
import { z } from 'zod';
import { keyboardLayout } from '../../rules/console.js';
import { area, ruled } from '../../settings/area.js';
import { currentLayout, keyboardSet } from './index.js';

/** `{layout}`: an XKB layout's short name ('' only while none is set: an import cannot unset it). */
export const KeyboardSettings = z.strictObject({
  layout: z.union([z.literal(''), ruled(keyboardLayout).transform((s) => s.trim().toLowerCase())], { error: "must be a layout's short name as text (e.g. us, gb, de)" }),
});

export const keyboardSettings = area({
  id: 'keyboard',
  title: 'Console keyboard layout',
  profiles: ['vsensor'],
  schema: KeyboardSettings,
  async read(ctx) {
    return { layout: await currentLayout(ctx.paths) };
  },
  /** set_keyboard.sh --dry-run: does this system have the layout. */
  async check(ctx, want) {
    if (want.layout === '') return { layout: 'a layout cannot be unset: give one (e.g. us), or leave the keyboard area out' };
    return (await keyboardSet.check(ctx, { layout: want.layout })).errors;
  },
  async apply(ctx, want, _have, io) {
    return keyboardSet.apply(ctx, { layout: want.layout }, io);
  },
});
