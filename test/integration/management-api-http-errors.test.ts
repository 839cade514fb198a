/**
 * The Management API as a Maestro client sees it (see test/support/management-api-http-fixture.ts):
 * invalid requests, name conflicts, unknown paths and methods, and the OpenAPI document of the
 * routes.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { registerManagementRoutes } from '../../src/api/management/http-routes';
import { createHttpApp } from '../../src/api/shared/http-app';
import { managementApiDeps } from '../support/management-api-server';
import { managementApiOverHttp, type Json } from '../support/management-api-http-fixture';

describe('Management API over HTTP', () => {
  const { harness, name, http, camelBody, createdScheduler } = managementApiOverHttp();

  it('answers 400 with Maestro-style messages naming the fields when a scheduler is invalid or malformed', async () => {
    const invalid = camelBody('Not_Valid', {
      maxSurge: '0%',
      spec: {
        terminationGracePeriod: '5s',
        containers: [
          {
            ...(camelBody('x')['spec'] as { containers: Json[] }).containers[0],
            ports: [{ name: 'game', protocol: 'sctp', port: 7777 }],
          },
        ],
      },
    });

    const validation = await http('POST', '/schedulers', invalid);
    const wrongType = await http(
      'POST',
      '/schedulers',
      camelBody(name('x'), { roomsReplicas: 'many' }),
    );
    const nested = await http('POST', '/schedulers', {
      ...camelBody(name('x')),
      spec: { containers: [{ ports: [{}, { port: 'seven' }] }] },
    });
    const notJson = await http('POST', '/schedulers', '{"name": ');
    const notObject = await http('POST', '/schedulers', '[1, 2]');
    const tooDeep = await http(
      'POST',
      '/schedulers',
      `{"name": "x", "forwarders": [{"options": {"metadata": {"a": ${'['.repeat(500)}${']'.repeat(500)}}}}]}`,
    );

    expect(validation).toEqual({
      status: 400,
      body: {
        code: 3,
        message: [
          'Validation Error:',
          'name: must contain only lowercase letters, digits and "-", and start and end with a letter or digit (RFC 1123)',
          'spec.containers[0].ports[0].protocol: sctp is not supported: must be tcp or udp',
          'maxSurge: must be an integer of at least 1 or a percentage from 1% to 100%',
        ].join('\n'),
        details: [],
      },
    });
    expect(wrongType.body).toEqual({
      code: 3,
      message:
        'Validation Error:\nroomsReplicas: must be an integer from -2147483648 to 2147483647',
      details: [],
    });
    expect(nested.body).toEqual({
      code: 3,
      message:
        'Validation Error:\nspec.containers[0].ports[1].port: must be an integer from -2147483648 to 2147483647',
      details: [],
    });
    expect(notJson.status).toBe(400);
    expect((notJson.body as Json)['message']).toMatch(
      /^Validation Error:\nbody: must be valid JSON/,
    );
    expect((tooDeep.body as Json)['message']).toMatch(
      /^Validation Error:\nforwarders\[0\]\.options\.metadata: must be a JSON object \(.*maximum recursion/,
    );
    expect(notObject.body).toEqual({
      code: 3,
      message: 'Validation Error:\nbody: must be a JSON object',
      details: [],
    });
  });

  it("answers grpc-gateway's 404 for unknown paths and 501 for a known path with another method", async () => {
    expect(await http('GET', '/nothing/here')).toEqual({
      status: 404,
      body: { code: 5, message: 'Not Found', details: [] },
    });
    expect(await http('GET', '/schedulers/a/b/c')).toEqual({
      status: 404,
      body: { code: 5, message: 'Not Found', details: [] },
    });
    for (const [method, route] of [
      ['DELETE', '/schedulers'],
      ['PUT', '/schedulers/x/versions'],
      ['POST', '/schedulers/x/operations/y'],
    ] as const) {
      expect(await http(method, route)).toEqual({
        status: 501,
        body: { code: 12, message: 'Method Not Allowed', details: [] },
      });
    }
  });

  it('serves a valid OpenAPI 3.1 document listing exactly the routes the server registers', async () => {
    const app = createHttpApp(managementApiDeps(harness).log);
    const registered: string[] = [];
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.push(`${method} ${route.url}`);
    });
    registerManagementRoutes(app, managementApiDeps(harness));
    await app.ready();

    const { status, body } = await http('GET', '/openapi.json');

    expect(status).toBe(200);
    const document = body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(body as OpenAPIV3_1.Document));
    const documented = Object.entries(document.paths).flatMap(([route, operations]) =>
      Object.keys(operations).map(
        (method) => `${method.toUpperCase()} ${route.replace(/\{([^}]+)\}/g, ':$1')}`,
      ),
    );
    expect(documented.sort()).toEqual(registered.sort());
    expect(registered).toHaveLength(14);
    await app.close();
  });

  it('answers a scheduler with every property its OpenAPI schema requires and no other', async () => {
    const scheduler = await createdScheduler('openapi');
    const { body } = await http('GET', '/openapi.json');
    const schema = (
      body as {
        components: { schemas: Record<string, { properties: Json; required: string[] }> };
      }
    ).components.schemas['api.v1.Scheduler']!;

    const got = await http('GET', `/schedulers/${scheduler}`);

    const keys = Object.keys((got.body as { scheduler: Json }).scheduler);
    expect(keys).toEqual(expect.arrayContaining(schema.required));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(keys));
    expect(schema.required).toContain('portRange');
  });
});
