import { describe, expect, test } from 'vitest';
import { unknownFields, validateObject } from '../../src/lib/lint/k8s-schema.ts';

const service = (spec: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 's' },
  spec,
});

describe('validateObject()', () => {
  test('accepts a valid Service', async () => {
    expect(await validateObject('v1', 'Service', service({ ports: [{ port: 80 }] }))).toEqual([]);
  });
  test('reports a wrong type with its path', async () => {
    expect(await validateObject('v1', 'Service', service({ ports: [{ port: '80' }] }))).toEqual([
      { path: ['spec', 'ports', 0, 'port'], message: 'spec.ports.0.port must be integer' },
    ]);
  });
  test('reports a value outside an enum with the allowed values', async () => {
    const problems = await validateObject('v1', 'Service', service({ ports: [{ port: 80, protocol: 'HTTP' }] }));
    expect(problems?.[0].message).toMatch(
      /protocol must be equal to one of the allowed values \(allowed: SCTP, TCP, UDP\)/,
    );
  });
  test('returns undefined for a kind that does not exist', async () => {
    expect(await validateObject('v1', 'Servise', {})).toBeUndefined();
    expect(await validateObject('example.com/v1', 'Widget', {})).toBeUndefined();
  });
});

describe('unknownFields()', () => {
  test('finds misspelled fields at any depth, including inside arrays', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', lables: {} },
      spec: {
        selector: {},
        template: { spec: { enableServiceLink: false, containers: [{ name: 'c', imagePullPolice: 'Always' }] } },
      },
    };
    expect(unknownFields('apps/v1', 'Deployment', deployment)).toEqual([
      ['metadata', 'lables'],
      ['spec', 'template', 'spec', 'enableServiceLink'],
      ['spec', 'template', 'spec', 'containers', 0, 'imagePullPolice'],
    ]);
  });
  test('does not look inside free-form maps such as labels', () => {
    expect(
      unknownFields('v1', 'Service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's', labels: { anything: 'x' } },
        spec: { selector: { any: 'y' } },
      }),
    ).toEqual([]);
  });
});
