// The installed executable's first frame without blessed (src/sea1.ts): what blessed writes for
// the console's first frame was recorded at build time per console, TERM, size and character set
// (firstframe-record.ts), with a placeholder host; here the title bar is put back with this
// host and demo root, and the draw is tightened (tighten.ts) as the console tightens it. The
// console then checks its own first frame against this, byte for byte (ui/main.ts).
import { titleBar } from './layout.js';
import { tighten, type TightenCaps } from './tighten.js';

/** The host name the recording used (a name no host has: letters only, unlike a real one's case). */
export const PLACEHOLDER_HOST = 'QQHOSTPLACEHOLDERQQ';

/** What blessed wrote for one first frame: its writes in order (draws not tightened), and how to tighten them. */
export interface FrameTemplate {
  cols: number;
  consoleName: string;
  caps: TightenCaps;
  writes: { text: string; draw: boolean }[];
  /** What blessed writes when the console leaves the screen (the terminal as it was before the frame). */
  leave: string;
}

/** The key of a recorded frame. */
export const frameKey = (profile: string, term: string, cols: number, rows: number, utf8: boolean): string =>
  `frame-${profile}-${term}-${cols}x${rows}-${utf8 ? 'utf8' : 'ascii'}`;

/** A host name or root the title bar shows cell for cell (printable ASCII, no tag or escape meaning). */
const plain = (s: string): boolean => /^[\x20-\x7e]*$/.test(s) && !/[{}\\]/.test(s);

/**
 * The bytes of the console's first frame on this terminal, from `t`, for `hostname` and
 * `demoRoot` (undefined: not a demo). Undefined when this frame cannot be made exactly (a name
 * that is not plain ASCII, a title that does not fill the bar exactly): then the console draws.
 */
export function firstFrame(t: FrameTemplate, hostname: string, demoRoot: string | undefined): string | undefined {
  if (!plain(hostname) || (demoRoot !== undefined && !plain(demoRoot)) || hostname === '') return undefined;
  const from = titleBar({ hostname: PLACEHOLDER_HOST, consoleName: t.consoleName }, t.cols);
  const to = titleBar({ hostname, consoleName: t.consoleName, demoRoot }, t.cols);
  if (to.length !== t.cols || from.length !== t.cols) return undefined;
  let out = '';
  for (const w of t.writes) {
    if (!w.draw) out += w.text.split(PLACEHOLDER_HOST).join(hostname);
    else {
      const parts = w.text.split(from);
      if (parts.length > 2 || parts.join('').includes(PLACEHOLDER_HOST)) return undefined;
      out += tighten(parts.join(to), t.caps);
    }
  }
  return out;
}
