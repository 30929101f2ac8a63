import { describe, expect, it } from 'vitest';
import { refusedAddressReason } from '../../src/domain/outbound-address';

describe('refusedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['fd12:3456::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.7', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
  ])('refuses %s as %s', (address, range) => {
    expect(refusedAddressReason(address)).toMatch(new RegExp(` is an? ${range} address$`));
  });

  it.each(['8.8.8.8', '77.88.8.8', '172.32.0.1', '2a02:6b8::feed:0ff', '::ffff:8.8.4.4'])(
    'allows the public %s',
    (address) => {
      expect(refusedAddressReason(address)).toBeUndefined();
    },
  );

  it('names what is not an address at all', () => {
    expect(refusedAddressReason('localhost')).toBe('"localhost" is not an IP address');
  });
});
