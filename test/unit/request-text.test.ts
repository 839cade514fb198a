import { create } from '@bufbuild/protobuf';
import { pathProblems } from '../../src/api/shared/framework-errors';
import { httpBindingOf } from '../../src/api/shared/http-bindings';
import { parseQueryString, UndecodableQueryValue } from '../../src/api/shared/query-string';
import { checkRequestText, textFieldsOf } from '../../src/api/shared/request-text';
import { OperationsService } from '../../src/gen/api/v1/operations_pb';
import { ListSchedulersRequestSchema, SchedulersService } from '../../src/gen/api/v1/schedulers_pb';

const listSchedulers = SchedulersService.method.listSchedulers;

describe('checkRequestText', () => {
  it('names every top-level text field holding NUL or over 4096 characters, each with its rule', () => {
    const request = create(ListSchedulersRequestSchema, {
      name: 'a\u0000b',
      game: 'g'.repeat(4097),
      version: 'v1',
    });

    expect(() => checkRequestText(textFieldsOf(listSchedulers), request)).toThrow(
      'Validation Error:\nname: must not contain NUL characters\ngame: must be at most 4096 characters',
    );
  });

  it('lets odd but storable text through when it has control characters, any Unicode or 4096 characters', () => {
    const request = create(ListSchedulersRequestSchema, {
      name: 'a\u0001\u001f\u007f',
      game: '\ud800😀',
      version: 'v'.repeat(4096),
    });

    expect(() => checkRequestText(textFieldsOf(listSchedulers), request)).not.toThrow();
  });
});

describe('parseQueryString', () => {
  it('decodes values as fastify does and keeps undecodable ones apart when they are not UTF-8', () => {
    const parsed = parseQueryString('a=1&a=2&b=x+y%20z&c=%FF&d&e=%00&%FF=x');

    expect({ ...parsed }).toEqual({
      a: ['1', '2'],
      b: 'x y z',
      c: new UndecodableQueryValue('%FF'),
      d: '',
      e: '\u0000',
    });
  });
});

describe('pathProblems', () => {
  const bindings = [...SchedulersService.methods, ...OperationsService.methods].map(httpBindingOf);

  it('names the path variable of the route with that method whose segment is not UTF-8 or too long', () => {
    expect(pathProblems(bindings, 'POST', '/schedulers/%C0%80')).toEqual([
      { field: 'name', message: 'must be valid UTF-8 (percent-encoded)' },
    ]);
    expect(pathProblems(bindings, 'GET', `/schedulers/${'a'.repeat(4097)}/operations/x`)).toEqual([
      { field: 'schedulerName', message: 'must be at most 4096 characters' },
    ]);
  });

  it('names nothing when no route has the path', () => {
    expect(pathProblems(bindings, 'GET', '/nothing/%FF')).toEqual([]);
  });
});
