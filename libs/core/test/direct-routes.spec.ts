import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { badRequest } from '../src/errors/domain-error';
import { DirectRoute, serveDirectRoutes } from '../src/http/direct-routes';
import { Public } from '../src/http/public.decorator';

class Dto {
  name!: string;
}

/** What serveDirectRoutes reads of the app and of Fastify, with the routes Nest would register. */
function install(...controllers: Array<new () => object>) {
  const modules = new Map([['m', { controllers: new Map(controllers.map((c) => [c, { metatype: c, instance: new c() }])) }]]);
  const app = { get: () => modules } as never;
  let onRoute: ((o: RouteOptions) => void) | undefined;
  const fastify = { addHook: (_name: string, fn: (o: RouteOptions) => void) => (onRoute = fn) } as never;
  const errors: unknown[] = [];
  const verify = serveDirectRoutes(app, fastify, { catch: (err: unknown) => void errors.push(err) });
  const route = (method: string, url: string) => {
    const options = { method, url, handler: function nest() {} } as unknown as RouteOptions;
    onRoute!(options);
    return options.handler as unknown as (request: FastifyRequest, reply: FastifyReply) => void;
  };
  return { verify, route, errors };
}

function reply() {
  const r = {
    statusCode: 0,
    sent: false,
    payload: undefined as unknown,
    code: (n: number) => ((r.statusCode = n), r),
    send: (p: unknown) => ((r.sent = true), (r.payload = p), r),
  };
  return r;
}

@Public()
@Controller('api/v1/things')
class Things {
  @Get()
  @DirectRoute()
  list(@Req() request: FastifyRequest) {
    return { data: request.headers['x-name'] };
  }

  @Post()
  @DirectRoute()
  @HttpCode(200)
  async evaluate(@Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    if (!body) throw badRequest('no body');
    reply.code(304);
    return undefined;
  }

  @Get('raw')
  @DirectRoute()
  raw(@Res() reply: FastifyReply) {
    reply.code(204).send();
    return 'ignored';
  }

  @Get('nest')
  nest() {
    return 'not direct';
  }
}

describe('serveDirectRoutes', () => {
  it("swaps only the @DirectRoute() handlers, calls them with Nest's arguments and status, sends what they return", async () => {
    const { verify, route, errors } = install(Things);
    const list = route('GET', '/api/v1/things');
    expect(list.name).toBe('directHandler');
    expect(route('GET', '/api/v1/things/nest').name).toBe('nest');
    expect(route('HEAD', '/api/v1/things').name).toBe('nest');
    const a = reply();
    list({ headers: { 'x-name': 'n' } } as never, a as never);
    expect(a).toMatchObject({ statusCode: 200, payload: { data: 'n' } });
    // POST: @HttpCode first, the handler may still change it; a passthrough reply is sent what it returns.
    const evaluate = route('POST', '/api/v1/things');
    const b = reply();
    evaluate({ body: { context: {} } } as never, b as never);
    await new Promise((r) => setImmediate(r));
    expect(b).toMatchObject({ statusCode: 304, sent: true, payload: undefined });
    // Errors go to the filter, thrown or rejected.
    const c = reply();
    evaluate({ body: undefined } as never, c as never);
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual([expect.objectContaining({ status: 400, message: 'no body' })]);
    expect(c.sent).toBe(false);
    // @Res() without passthrough: the handler answered; its return value is not sent.
    const d = reply();
    route('GET', '/api/v1/things/raw')({} as never, d as never);
    expect(d).toMatchObject({ statusCode: 204, payload: undefined });
    expect(() => verify()).not.toThrow();
  });

  it('fails start-up when a direct route was not registered by Nest', () => {
    const { verify, route } = install(Things);
    route('GET', '/api/v1/things');
    expect(() => verify()).toThrow('@DirectRoute() routes not registered by Nest: Things.evaluate (POST /api/v1/things), Things.raw');
  });

  it('refuses routes whose skipped pipeline would have done something', () => {
    @Controller('private')
    class NotPublic {
      @Get()
      @DirectRoute()
      get() {}
    }
    expect(() => install(NotPublic)).toThrow('NotPublic.get: must be @Public()');

    @Public()
    @Controller('guarded')
    class Guarded {
      @Get()
      @DirectRoute()
      @UseGuards(class {})
      get() {}
    }
    expect(() => install(Guarded)).toThrow('Guarded.get: __guards__ are not run on a direct route');

    @Public()
    @Controller('validated')
    class Validated {
      @Post()
      @DirectRoute()
      post(@Body() body: Dto) {
        return body;
      }
    }
    expect(() => install(Validated)).toThrow('Validated.post: only an untyped whole @Body() is supported');

    @Public()
    @Controller('params')
    class WithParams {
      @Get(':id')
      @DirectRoute()
      get(@Req() request: FastifyRequest) {
        return request;
      }
    }
    expect(() => install(WithParams)).toThrow('WithParams.get: paths with parameters are not supported');
  });
});
