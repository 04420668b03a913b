import { IsArray, IsString } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

/** The body of every CDS error answer but a 401 (which has none); `/docs` shows its generated schema. */
@JSONSchema({ description: 'A CDS error: the status text, what failed, and every problem found' })
export class CdsErrorDto {
  @IsString() error!: string;
  @IsString() message!: string;
  @IsArray() @IsString({ each: true }) details!: string[];
}
