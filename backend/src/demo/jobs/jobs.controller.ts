import { NoCache } from 'nestjs-coherent-cache';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  JobNotEnqueuedError,
  QueuesDisabledError,
  QueueService,
  UnknownQueueError,
  type JobView,
} from '../../queue/index.js';

/**
 * `POST /jobs/:queue` enqueues a job (body: the job's data) and answers 202 with its id;
 * 503 when it could not be stored (it will then never run). `GET /jobs/:queue/:id` reads its state.
 */
// Live state: never cached, even with CacheInterceptor applied globally.
@NoCache()
@Controller('jobs')
export class JobsController {
  constructor(private readonly queues: QueueService) {}

  @Post(':queue')
  @HttpCode(202)
  async enqueue(
    @Param('queue') queue: string,
    @Body() body: unknown,
  ): Promise<{ id: string; queue: string }> {
    const data = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    try {
      const { id } = await this.queues.add(queue, data);
      return { id, queue };
    } catch (error) {
      throw this.toHttp(error);
    }
  }

  @Get(':queue/:id')
  async state(@Param('queue') queue: string, @Param('id') id: string): Promise<JobView> {
    let job: JobView | null;
    try {
      job = await this.queues.getJob(queue, id);
    } catch (error) {
      throw this.toHttp(error);
    }
    if (!job) throw new NotFoundException(`no job ${id} in queue ${queue}`);
    return job;
  }

  private toHttp(error: unknown): Error {
    if (error instanceof UnknownQueueError) return new NotFoundException(error.message);
    if (error instanceof JobNotEnqueuedError || error instanceof QueuesDisabledError) {
      return new ServiceUnavailableException(error.message);
    }
    return new ServiceUnavailableException('the queue Redis did not answer');
  }
}
