// The vSensor console, as the training manual's chapter 7 lists it: 1 Network, 2 Setup,
// 5 Shell, 6 Reboot, 7 Shutdown, 8 Exit. Subtrees come from their features.
import { restoreItem, welcomeStatus } from '../src/features/appliance/index.js';
import { backupItem } from '../src/features/backup/index.js';
import { healthItem } from '../src/features/health/index.js';
import { diagItem } from '../src/features/diag/index.js';
import { firstBootSteps, keyboardItem, passwordItem } from '../src/features/firstboot/index.js';
import { historyItem } from '../src/features/history/index.js';
import { masterMenu } from '../src/features/master/index.js';
import { interfacesMenu, networkNotice } from '../src/features/network/index.js';
import { ntpMenu } from '../src/features/ntp/index.js';
import { ossensorMenu } from '../src/features/ossensor/index.js';
import { pcapMenu } from '../src/features/pcap/index.js';
import { rebootItem, shutdownItem } from '../src/features/power/index.js';
import { updatesItem } from '../src/features/updates/index.js';
import { devicesItem, statsItem } from '../src/features/traffic/index.js';
import type { Tree } from '../src/menu/types.js';

const tree = {
  profile: 'vsensor',
  title: 'vSensor Console',
  welcome:
    'vSensor configuration console.',
  status: welcomeStatus('vsensor'),
  firstBoot: firstBootSteps,
  menu: {
    title: 'Main Menu',
    items: [
      {
        key: '1',
        label: 'Network',
        help: "The vSensor's interfaces (management and sniffer) and its NTP servers.",
        menu: {
          title: 'Network',
          items: [
            {
              key: '1',
              label: 'Interfaces',
              help: 'The first interface reaches the master; the second receives the mirrored traffic (sniffer mode, promiscuous).',
              menu: interfacesMenu('vsensor'),
            },
            { key: '2', label: 'NTP Settings', help: 'The NTP servers of the vSensor.', menu: ntpMenu('vSensor') },
            statsItem('3'),
            devicesItem('4'),
            diagItem('5'),
          ],
        },
      },
      {
        key: '2',
        label: 'Setup',
        help: 'The master connection, the osSensor HMAC key and the packet capture buffer.',
        menu: {
          title: 'Setup',
          items: [
            { key: '1', label: 'Master', help: 'How this vSensor sends its data to the master: Push Token (recommended), Pull or legacy Push.', menu: masterMenu },
            { key: '2', label: 'osSensor HMAC', help: 'The shared secret osSensors use to register with this vSensor.', menu: ossensorMenu },
            { key: '3', label: 'PCAP', help: 'Disk space kept for captured packets, as a rolling buffer.', menu: pcapMenu },
            restoreItem('4'),
            keyboardItem('5'),
            passwordItem('6'),
            historyItem('7'),
            backupItem('8'),
          ],
        },
      },
      updatesItem('3'),
      healthItem('4'),
      { key: '5', label: 'Shell', help: "The system's login prompt on this terminal: log in as the admin user. Ctrl+C before logging in, or exit after, comes back to the console.", builtin: 'shell' },
      rebootItem('6', 'vsensor'),
      shutdownItem('7', 'vsensor'),
      { key: '8', label: 'Exit', help: 'Leaves the console.', builtin: 'exit' },
    ],
  },
} satisfies Tree;

// the notice names the path to "Confirm the pending change" in this very tree
export default { ...tree, notice: networkNotice(tree.menu) } satisfies Tree;
