import ipaddr from 'ipaddr.js';

/**
 * Why the desk refuses to connect to an address on a configured outbound URL (an LLM endpoint,
 * a provider's API, a webhook), or undefined for a public unicast address. Loopback, private,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unique-local, unspecified,
 * multicast, broadcast and reserved ranges are all inside someone's network: an administrator
 * who means one says so (OUTBOUND_ALLOW_PRIVATE). An IPv4 address written as IPv6 is judged as IPv4.
 */
export function refusedAddressReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return range === 'unicast' ? undefined : `${parsed.toString()} is a ${rangeNames[range] ?? range} address`;
}

const rangeNames: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT',
  uniqueLocal: 'unique-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
};
