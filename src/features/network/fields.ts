// The interface form's fields (shared by the change of an interface and the new bond or VLAN).
import type { Field } from '../../menu/types.js';
import { dnsServers, ipv4, ipv6Cidr, ipv6Gateway, netmask, optionalIpv4, searchDomains } from '../../rules/network.js';

const staticOnly = { field: 'mode', is: ['static'] };

/** The interface form, in the manual's order: static? → address → mask → gateway → DNS → domain. */
export const interfaceFields: Field[] = [
  {
    name: 'mode',
    label: 'Configure a static IP? (strongly recommended; DHCP otherwise)',
    short: 'Mode',
    choices: [
      { value: 'static', label: 'Static IP' },
      { value: 'dhcp', label: 'DHCP (the address may change)' },
    ],
    help: 'Static IP: a fixed address you choose (recommended for a management interface). DHCP: the address may change, so find out the new one before you reconnect.',
  },
  { name: 'address', label: 'IP address', short: 'Address', rule: ipv4, when: staticOnly, help: 'An IPv4 address of the subnet, not its network or broadcast address.' },
  { name: 'netmask', label: 'Network mask (e.g. 255.255.255.0 or 24)', short: 'Mask', rule: netmask, when: staticOnly, help: 'Dotted (255.255.255.0) or a prefix length (24). The mask must be contiguous; it is never guessed.' },
  { name: 'gateway', label: 'Default gateway (in the same subnet)', short: 'Gateway', rule: optionalIpv4, when: staticOnly, help: 'The router for other networks, inside the subnet of the address. Leave empty for none.' },
  { name: 'dns', label: 'DNS servers, separated by spaces', short: 'DNS', rule: dnsServers, when: staticOnly, help: 'IP addresses (not names) of up to 3 DNS servers, separated by spaces. Leave empty for none.' },
  {
    name: 'domain',
    label: 'Search domain (leave blank unless you need short host names)',
    short: 'Search domain',
    rule: searchDomains,
    when: staticOnly,
    help: 'Domains tried after short host names when they are looked up (e.g. corp.example.com), separated by spaces; at most 6. Leave empty for none.',
  },
  { name: 'address6', label: 'IPv6 address/prefix (optional, e.g. 2001:db8::5/64)', short: 'IPv6 address', rule: ipv6Cidr, when: staticOnly, extra: true, help: 'A static IPv6 address with its prefix length (1-128). Leave empty for none; IPv6 from router advertisements or DHCPv6 set in the netplan file is kept.' },
  { name: 'gateway6', label: 'IPv6 gateway (optional)', short: 'IPv6 gateway', rule: ipv6Gateway, when: staticOnly, extra: true, help: 'The IPv6 router: link-local (fe80::...) or inside the prefix of the IPv6 address. Leave empty for none.' },
];

