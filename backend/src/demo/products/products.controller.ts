import { Body, Controller, Get, Param, ParseIntPipe, Put } from '@nestjs/common';
import { CacheEvict, Cacheable, type HttpCacheContext } from 'nestjs-coherent-cache';
import { ZodBodyPipe } from '../../common/index.js';
import {
  productUpdateSchema,
  type Product,
  type ProductRecord,
  type ProductUpdate,
} from './product.js';
import { ProductsService } from './products.service.js';

const productTags = ({ params }: HttpCacheContext) => [`product:${params.id}`, 'products'];

/**
 * `GET /products/:id` (cached 60 s, tagged `product:<id>` and `products`), `GET /products`
 * (tagged `products`), and `PUT /products/:id`, which evicts both tags.
 */
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @Cacheable({ ttlSeconds: 60, tags: ['products'], queryParams: [] })
  findAll(): Promise<{ items: ProductRecord[]; loadedAt: string; loadSeq: number }> {
    return this.products.findAll();
  }

  @Get(':id')
  @Cacheable({ ttlSeconds: 60, tags: productTags, queryParams: [] })
  findOne(@Param('id', ParseIntPipe) id: number): Promise<Product> {
    return this.products.findOne(id);
  }

  @Put(':id')
  @CacheEvict({ tags: productTags })
  update(
    @Param('id', ParseIntPipe) id: number,
    @Body(new ZodBodyPipe(productUpdateSchema)) change: ProductUpdate,
  ): ProductRecord {
    return this.products.update(id, change);
  }
}
