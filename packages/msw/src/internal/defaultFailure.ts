import { HttpResponse } from 'msw';
import type { Fault } from '../http/types.ts';

/** What `failTimes` and `failRandomly` answer unless told otherwise: a bare 500. */
export const defaultFailure: Fault = () => new HttpResponse(null, { status: 500 });
