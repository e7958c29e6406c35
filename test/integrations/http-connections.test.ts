import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpConnectionsError, loadHttpConnections, parseHttpConnections } from '../../src/integrations/http-connections.js';

const basic = (username: string) => ({ AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: username, Password: 'p' } } });

describe('HTTP connections configuration', () => {
  it('finds a connection by its exact ARN first, else by the name inside the ARN', () => {
    const exact = 'arn:aws:events:us-east-1:123456789012:connection/Orders/1111';
    const c = parseHttpConnections({ Orders: basic('by-name'), [exact]: basic('by-arn') });
    expect(c.find(exact)?.authorization).toMatchObject({ username: 'by-arn' });
    expect(c.find('arn:aws:events:eu-west-1:123456789012:connection/Orders/2222')?.authorization).toMatchObject({ username: 'by-name' });
    expect(c.find('arn:aws:events:eu-west-1:123456789012:connection/Other/2222')).toBeUndefined();
    expect(c.find('Orders/not-an-arn')).toBeUndefined();
  });

  it('reads CreateConnection\'s fields for API keys, OAuth client credentials and invocation parameters', () => {
    const c = parseHttpConnections({
      Key: {
        AuthorizationType: 'API_KEY',
        AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'X-Key', ApiKeyValue: 'v' }, InvocationHttpParameters: { QueryStringParameters: [{ Key: 'a', Value: '1', IsValueSecret: true }] } },
      },
      OAuth: {
        AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
        AuthParameters: { OAuthParameters: { AuthorizationEndpoint: 'https://auth.example.com/token', HttpMethod: 'POST', ClientParameters: { ClientID: 'id', ClientSecret: 's' } } },
      },
    });
    expect(c.find('arn:aws:events:us-east-1:123456789012:connection/Key/1')).toMatchObject({ authorization: { type: 'API_KEY', name: 'X-Key', value: 'v' }, invocation: { query: [['a', '1']] } });
    expect(c.find('arn:aws:events:us-east-1:123456789012:connection/OAuth/1')?.authorization).toMatchObject({ type: 'OAUTH_CLIENT_CREDENTIALS', clientId: 'id', httpMethod: 'POST' });
  });

  it('names the key path of each mistake', () => {
    const wrong: [unknown, string][] = [
      [[], 'expected an object mapping connection ARNs or names to connections'],
      [{ A: { AuthorizationType: 'DIGEST', AuthParameters: {} } }, 'A.AuthorizationType must be BASIC, API_KEY or OAUTH_CLIENT_CREDENTIALS, not "DIGEST"'],
      [{ A: { AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'u' } } } }, 'A.AuthParameters.BasicAuthParameters.Password must be a string'],
      [{ A: { AuthorizationType: 'API_KEY' } }, 'A.AuthParameters must be an object'],
      [
        { A: { AuthorizationType: 'BASIC', AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p' }, InvocationHttpParameters: { HeaderParameters: [{ Key: 'k' }] } } } },
        'A.AuthParameters.InvocationHttpParameters.HeaderParameters[0].Value must be a string',
      ],
      [
        { A: { AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS', AuthParameters: { OAuthParameters: { AuthorizationEndpoint: 'file:///etc/passwd', HttpMethod: 'POST', ClientParameters: { ClientID: 'i', ClientSecret: 's' } } } } },
        'A.AuthParameters.OAuthParameters.AuthorizationEndpoint must be an http(s) URL',
      ],
    ];
    for (const [json, message] of wrong) {
      expect(() => parseHttpConnections(json, 'conn.json')).toThrow(HttpConnectionsError);
      expect(() => parseHttpConnections(json, 'conn.json')).toThrow(message);
    }
  });

  it('reports a file that is missing or not JSON by its name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-conn-'));
    try {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, '{ nope');
      expect(() => loadHttpConnections(bad)).toThrow(`the HTTP connections file ${bad} is not JSON`);
      expect(() => loadHttpConnections(path.join(dir, 'missing.json'))).toThrow('cannot read the HTTP connections file');
      const good = path.join(dir, 'good.json');
      fs.writeFileSync(good, JSON.stringify({ Orders: basic('u') }));
      expect(loadHttpConnections(good).size).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
