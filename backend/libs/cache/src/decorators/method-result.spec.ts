import { BehaviorSubject, EMPTY, Observable, Subject, interval, of } from 'rxjs';
import { UncacheableObservableError } from '../errors/index.js';
import {
  declaredResultKind,
  isObservableClass,
  isSubjectClass,
  singleValue,
} from './method-result.js';

class Feed<T> extends Observable<T> {}

describe('method results', () => {
  it('reads the declared result kind from design:returntype', () => {
    expect(declaredResultKind(Observable)).toBe('observable');
    expect(declaredResultKind(Feed)).toBe('observable');
    expect(declaredResultKind(Promise)).toBe('other');
    expect(declaredResultKind(Number)).toBe('other');
    // An interface, a union or `any` (Object), or no metadata: learned on the first call.
    expect(declaredResultKind(Object)).toBe('unknown');
    expect(declaredResultKind(undefined)).toBe('unknown');
  });

  it('tells Subjects from other Observables', () => {
    expect(isObservableClass(Subject)).toBe(true);
    expect(isSubjectClass(BehaviorSubject)).toBe(true);
    expect(isSubjectClass(Observable)).toBe(false);
    expect(isSubjectClass(Promise)).toBe(false);
  });

  it('takes the one value of a single-emission Observable', async () => {
    await expect(singleValue(of({ a: 1 }), 'S.m')).resolves.toEqual({ a: 1 });
    await expect(singleValue(Promise.resolve(2), 'S.m')).resolves.toBe(2);
  });

  it('refuses none or several values, naming the method, and stops listening', async () => {
    await expect(singleValue(EMPTY, 'S.none')).rejects.toThrow(UncacheableObservableError);
    await expect(singleValue(of(1, 2), 'S.two')).rejects.toMatchObject({
      method: 'S.two',
      emitted: 'several',
    });
    // An endless stream is left at its second value instead of being waited on.
    await expect(singleValue(interval(1), 'S.endless')).rejects.toMatchObject({
      emitted: 'several',
    });
  });

  it('passes on what the source errors with', async () => {
    const failing = new Observable<number>((subscriber) => subscriber.error(new Error('boom')));
    await expect(singleValue(failing, 'S.m')).rejects.toThrow('boom');
  });
});
