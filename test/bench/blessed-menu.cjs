// The benchmark's floor for memory and start-up: the smallest blessed program that shows the
// same menu as `dialog --menu` (test/bench/bench.mjs dialogArgv) and nothing else: no settings,
// no schemas, no scripts. What the console costs beyond this is the console's own; what this
// costs beyond `node -e 0` is the stack's (Node + blessed). Esc or Ctrl+C quits.
'use strict';
const blessed = require('blessed');
const items = process.argv.slice(2);
const screen = blessed.screen({ smartCSR: true, title: 'Console Setup' });
const box = blessed.box({ parent: screen, top: 'center', left: 'center', width: 60, height: 15, border: 'line', label: ' Console Setup ', content: 'Choose an option' });
const list = blessed.list({ parent: box, top: 2, left: 1, width: 56, height: 9, keys: true, items: items.reduce((a, x, i) => (i % 2 ? a : [...a, `${x}  ${items[i + 1]}`]), []), style: { selected: { inverse: true } } });
blessed.text({ parent: box, bottom: 0, left: 20, content: '<  OK  >   <Cancel>' });
list.focus();
screen.key(['escape', 'C-c'], () => {
  screen.destroy();
  process.exit(0);
});
screen.render();
