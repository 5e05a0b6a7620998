// The master/probe appliance console, as the training manual's chapter 4 numbers it. Each
// subtree comes from its feature (src/features/<area>/); only the numbering is decided here.
import { infoItem, restoreItem, welcomeStatus } from '../src/features/appliance/index.js';
import { auditItem } from '../src/features/audit/index.js';
import { backupItem } from '../src/features/backup/index.js';
import { historyItem } from '../src/features/history/index.js';
import { callhomeMenu } from '../src/features/callhome/index.js';
import { healthItem } from '../src/features/health/index.js';
import { diagItem } from '../src/features/diag/index.js';
import { interfacesMenu, networkNotice } from '../src/features/network/index.js';
import { ntpMenu } from '../src/features/ntp/index.js';
import { rebootItem, shutdownItem } from '../src/features/power/index.js';
import { restartItem } from '../src/features/services/index.js';
import { topologyItem } from '../src/features/topology/index.js';
import { updatesItem } from '../src/features/updates/index.js';
import { devicesItem, statsItem } from '../src/features/traffic/index.js';
import type { Tree } from '../src/menu/types.js';

const tree = {
  profile: 'appliance',
  title: 'Appliance Console',
  welcome:
    'Appliance configuration console.',
  status: welcomeStatus('appliance'),
  menu: {
    title: 'Console Setup',
    items: [
      {
        key: '1',
        label: 'Networking and Traffic Analysis',
        help: 'Network interfaces, NTP settings and traffic analysis.',
        menu: {
          title: 'Network Settings',
          items: [
            { key: '1', label: 'Configure network interfaces', help: 'Every interface with its role, link, MAC and addresses; change one, make one the capture interface, or restore.', menu: interfacesMenu('appliance') },
            devicesItem('2'),
            statsItem('3'),
            { key: '4', label: 'NTP Settings', help: 'A valid NTP server must be set: it lets the appliance record events and logs at the right time.', menu: ntpMenu('appliance') },
            diagItem('5'),
          ],
        },
      },
      healthItem('2'),
      {
        key: '3',
        label: 'Appliance Admin',
        help: 'Its role (master or probe), its Call-Home connection, information about this appliance and the log of changes made to it.',
        menu: {
          title: 'Appliance Admin',
          items: [
            topologyItem('1'),
            { key: '2', label: 'Call-Home menu', help: 'The secure support connection (SSH, optionally wrapped in SSL or through a proxy) and the partner connection.', menu: callhomeMenu },
            infoItem('3'),
            historyItem('4'),
            backupItem('5'),
            restoreItem('8'),
            auditItem('9'),
          ],
        },
      },
      updatesItem('4'),
      {
        key: '5',
        label: 'Power and Service Management',
        help: 'Restart the appliance services, reboot or shut down the appliance.',
        menu: { title: 'Power and Service Management', items: [restartItem('2'), rebootItem('3', 'appliance'), shutdownItem('4', 'appliance')] },
      },
    ],
  },
} satisfies Tree;

// the notice names the path to "Confirm the pending change" in this very tree
export default { ...tree, notice: networkNotice(tree.menu) } satisfies Tree;
