import { Observable, from, isObservable, lastValueFrom, take, toArray } from 'rxjs';
import { UncacheableObservableError } from '../errors/index.js';

/**
 * What a decorated method returns, as far as is known: an Observable, something else (a
 * Promise or a value), or `unknown` until its first call shows it.
 */
export type MethodResultKind = 'observable' | 'other' | 'unknown';

/**
 * The kind of result a method declares through `design:returntype` (emitted by TypeScript
 * with `emitDecoratorMetadata`). `Object` (an interface, a union, `any`) and a missing type
 * (no annotation on a non-async method, or a compiler without decorator metadata) are `unknown`.
 */
export function declaredResultKind(returnType: unknown): MethodResultKind {
  if (typeof returnType !== 'function' || returnType === Object) return 'unknown';
  return isObservableClass(returnType) ? 'observable' : 'other';
}

/** Whether `type` is `Observable` or a subclass (rxjs's own duck type: `lift` and `subscribe`). */
export function isObservableClass(type: unknown): boolean {
  if (typeof type !== 'function') return false;
  const prototype = (type as { prototype?: unknown }).prototype;
  if (type === Observable || prototype instanceof Observable) return true;
  const methods = prototype as { lift?: unknown; subscribe?: unknown } | undefined;
  return typeof methods?.lift === 'function' && typeof methods.subscribe === 'function';
}

/** Whether `type` is a Subject (an Observable one pushes values into: hot, many values). */
export function isSubjectClass(type: unknown): boolean {
  if (!isObservableClass(type)) return false;
  const prototype = (type as { prototype: { next?: unknown } }).prototype;
  return typeof prototype.next === 'function';
}

/**
 * The one value the Observable `result` emits before it completes. Subscribes once; stops
 * listening at a second value. A `result` that is not an Observable (a method that declared one
 * and returned a Promise or a value) is returned as it is.
 *
 * @throws UncacheableObservableError when `result` completes without a value or emits more
 *   than one (naming `method`); whatever `result` errors with
 */
export async function singleValue(result: unknown, method: string): Promise<unknown> {
  if (!isObservable(result)) return result;
  const values = await lastValueFrom(result.pipe(take(2), toArray()));
  if (values.length === 1) return values[0];
  throw new UncacheableObservableError(method, values.length === 0 ? 'none' : 'several');
}

/** The result of a method as an Observable: itself, or its Promise or value as one emission. */
export function asObservable(result: unknown): Observable<unknown> {
  return isObservable(result) ? result : from(Promise.resolve(result));
}
