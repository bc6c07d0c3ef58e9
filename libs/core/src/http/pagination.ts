import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badRequest } from '../errors/domain-error';

/**
 * One paging convention for every list that can grow: `?limit=&cursor=` in, `{"data": […], "nextCursor": …}` out.
 * Without either parameter a list answers exactly as before (the seed's shapes); with one, `nextCursor` is added
 * and is null on the last page. A cursor is opaque to clients: base64url of the last row's sort key as JSON.
 */
export const PAGE_DEFAULT_LIMIT = 100;
export const PAGE_MAX_LIMIT = 1000;
const CURSOR_MAX_LENGTH = 1024;

export class PageQueryDto {
  @ApiPropertyOptional({
    example: 100,
    minimum: 1,
    maximum: PAGE_MAX_LIMIT,
    default: PAGE_DEFAULT_LIMIT,
    description: 'Page size; giving it (or `cursor`) adds `nextCursor` to the answer',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    example: 'WyIxNzM1Njg5NjAwMTIzNDU2Iiwia2V5XzEyMyJd',
    maxLength: CURSOR_MAX_LENGTH,
    description: "Opaque: the previous page's `nextCursor`",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(CURSOR_MAX_LENGTH)
  cursor?: string;
}

/** What a service needs to read one page; `undefined` means "the whole list, as unpaged clients expect". */
export interface PageRequest {
  limit: number;
  /** The decoded sort key of the last row of the previous page. */
  after?: readonly unknown[];
}

export interface Page<T> {
  items: T[];
  /** null on the last page. */
  nextCursor: string | null;
}

export const encodeCursor = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * A cursor key's parts: text (no NUL), a non-negative 32-bit integer (versions), or a non-negative integer as
 * decimal digits (bigint ids, microseconds). Each stays within what its column accepts, so SQL never errs on one.
 */
export type CursorPart = 'string' | 'number' | 'digits';

const partOk = (v: unknown, part: CursorPart) => {
  if (part === 'number') return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2_147_483_647;
  if (typeof v !== 'string') return false;
  if (part === 'digits') return /^[0-9]{1,18}$/.test(v);
  return v.length > 0 && v.length <= 256 && !v.includes('\u0000');
};

/**
 * The sort key inside a cursor, checked against the list's key shape: anything else, including a cursor of
 * another list, is a 400 (never a malformed value reaching SQL).
 */
export function decodeCursor(cursor: string, shape: readonly CursorPart[]): Array<string | number> {
  let key: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('Invalid cursor');
  }
  if (!Array.isArray(key) || key.length !== shape.length || !key.every((v, i) => partOk(v, shape[i]))) throw badRequest('Invalid cursor');
  return key as Array<string | number>;
}

/**
 * The page a query asked for, or undefined for an unpaged request. `shape` describes the list's cursor key;
 * `defaultLimit` lets lists that were already paged before this convention keep their default.
 */
export function pageRequest(query: PageQueryDto, shape: readonly CursorPart[], defaultLimit = PAGE_DEFAULT_LIMIT): PageRequest | undefined {
  if (query.limit === undefined && query.cursor === undefined) return undefined;
  return { limit: query.limit ?? defaultLimit, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor, shape) };
}

/** Cuts rows read with `limit + 1` into a page: the extra row only says that there is a next page. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => readonly (string | number)[]): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(keyOf(items[items.length - 1])) };
}

/** The cursor key of lists in creation order: (created_at in microseconds, id). */
export const CREATED_CURSOR: readonly CursorPart[] = ['digits', 'string'];

/**
 * Reads a list oldest first, in a stable order (created_at, then `idColumn`), the whole of it or one page. The
 * cursor carries created_at as whole microseconds, exactly as PostgreSQL stores it: a JS Date keeps milliseconds
 * only, so a cursor built from one would repeat or skip rows created within the same millisecond.
 */
export async function readCreatedPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  idColumn: string,
  page?: PageRequest,
): Promise<Page<T>> {
  const created = `${alias}.created_at`;
  const id = `${alias}.${idColumn}`;
  qb.orderBy(created, 'ASC').addOrderBy(id, 'ASC');
  if (!page) return { items: await qb.getMany(), nextCursor: null };
  if (page.after) {
    qb.andWhere(`(${created}, ${id}) > (timestamptz 'epoch' + CAST(:pageAfterUs AS bigint) * interval '1 microsecond', :pageAfterId)`, {
      pageAfterUs: page.after[0],
      pageAfterId: page.after[1],
    });
  }
  const { entities, raw } = await qb
    .addSelect(`CAST(extract(epoch from ${created}) * 1000000 AS bigint)::text`, 'page_created_us')
    .limit(page.limit + 1)
    .getRawAndEntities();
  const rows = entities.map((entity, i) => ({ entity, us: String((raw[i] as { page_created_us: string }).page_created_us) }));
  const { items, nextCursor } = toPage(rows, page.limit, (r) => [
    r.us,
    String((r.entity as Record<string, unknown>)[idProperty(qb, alias, idColumn)]),
  ]);
  return { items: items.map((r) => r.entity), nextCursor };
}

/** The entity property mapped to a column (`user_id` → `userId`). */
function idProperty<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias: string, column: string): string {
  const metadata = qb.expressionMap.findAliasByName(alias).metadata;
  return metadata.findColumnWithDatabaseName(column)?.propertyName ?? column;
}

/** The answer of a list: `{data}` as it always was when no page was asked for, `{data, nextCursor}` when one was. */
export const listBody = <T>(page: PageRequest | undefined, data: T, nextCursor: string | null) => (page ? { data, nextCursor } : { data });

/** OpenAPI of `nextCursor`, for ApiData's `extra`. */
export const NEXT_CURSOR_DOC = {
  nextCursor: {
    type: 'string',
    nullable: true,
    description: 'Present when `limit` or `cursor` was given: the `cursor` of the next page; null on the last page',
  },
};
