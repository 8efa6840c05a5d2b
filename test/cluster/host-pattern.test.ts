import { describe, expect, it } from 'vitest';
import { expandHostPattern } from '../../src/cluster/host-pattern.js';
import { INVENTORY_RANGE_MAX_HOSTS } from '../../src/limits.js';

describe('expandHostPattern (Ansible host ranges)', () => {
  it('expands numeric ranges, keeping leading zeros', () => {
    expect(expandHostPattern('kvm[01:12].example.net').hosts).toEqual(Array.from({ length: 12 }, (_, i) => `kvm${String(i + 1).padStart(2, '0')}.example.net`));
    expect(expandHostPattern('node[8:10]').hosts).toEqual(['node8', 'node9', 'node10']);
  });

  it('expands alphabetic ranges and steps, and several ranges in one name', () => {
    expect(expandHostPattern('kvm-[a:c]').hosts).toEqual(['kvm-a', 'kvm-b', 'kvm-c']);
    expect(expandHostPattern('db[1:9:4]').hosts).toEqual(['db1', 'db5', 'db9']);
    expect(expandHostPattern('r[1:2]-n[a:b]').hosts).toEqual(['r1-na', 'r1-nb', 'r2-na', 'r2-nb']);
  });

  it('reads a port after the name, and leaves IPv6 addresses alone', () => {
    expect(expandHostPattern('grafana.example.net:8022')).toEqual({ hosts: ['grafana.example.net'], port: 8022 });
    expect(expandHostPattern('kvm[1:2]:2222')).toEqual({ hosts: ['kvm1', 'kvm2'], port: 2222 });
    expect(expandHostPattern('fe80::1')).toEqual({ hosts: ['fe80::1'] });
    expect(expandHostPattern('[2001:db8::1]:2200')).toEqual({ hosts: ['2001:db8::1'], port: 2200 });
  });

  it('refuses ranges Ansible refuses, with the reason', () => {
    expect(() => expandHostPattern('kvm[01:100]')).toThrow('must write begin and end with the same number of digits');
    expect(() => expandHostPattern('kvm[9:1]')).toThrow('must have begin <= end');
    expect(() => expandHostPattern('kvm[1:]')).toThrow('has no end');
    expect(() => expandHostPattern('kvm[1:2:0]')).toThrow('the step must be a whole number of at least 1');
    expect(() => expandHostPattern('kvm[a:9]')).toThrow('must be numbers ([01:12]) or single letters ([a:f])');
    expect(() => expandHostPattern('kvm[1:3')).toThrow('has [ without ]');
    expect(() => expandHostPattern('kvm01:')).toThrow('reserved for a port');
    expect(() => expandHostPattern('kvm01:99999')).toThrow('port 99999 is not between 1 and 65535');
  });

  it('caps how many hosts one pattern makes, before making them', () => {
    expect(expandHostPattern(`h[1:${INVENTORY_RANGE_MAX_HOSTS}]`).hosts).toHaveLength(INVENTORY_RANGE_MAX_HOSTS);
    expect(() => expandHostPattern('h[1:999999999]')).toThrow(`makes more than ${INVENTORY_RANGE_MAX_HOSTS} hosts`);
    expect(() => expandHostPattern('h[1:100]-[1:100]')).toThrow(`makes more than ${INVENTORY_RANGE_MAX_HOSTS} hosts`);
  });
});
