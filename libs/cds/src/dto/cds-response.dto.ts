import type { Resource } from '@medplum/fhirtypes';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import type { SchemaObject } from 'openapi3-ts';
import { fhirReferencePattern } from '@ehr-gateway/fhir';

/*
 * The CDS Hooks 2.0 response (https://cds-hooks.hl7.org/2.0/#cds-service-response):
 * the types services return, and, turned once into JSON Schemas, both the check
 * every response passes before it is sent and the `/docs` schemas.
 */

const SPEC = 'https://cds-hooks.hl7.org/2.0/';

export const CARD_INDICATORS = ['info', 'warning', 'critical'] as const;
export const SELECTION_BEHAVIORS = ['at-most-one', 'any'] as const;
export const ACTION_TYPES = ['create', 'update', 'delete'] as const;
export const LINK_TYPES = ['absolute', 'smart'] as const;

/**
 * A rule class-validator cannot state: `property` is required when the object
 * matches `condition` (JSON Schema `if`/`then`). `description` is the rule as
 * `/docs` shows it and as a problem names it, after the object's path.
 */
function requiredWhen(description: string, condition: SchemaObject, property: string): SchemaObject {
  return { description, if: condition, then: { required: [property] } } as SchemaObject;
}

/** CDS Hooks' own Coding (https://cds-hooks.hl7.org/2.0/#coding), as a source's topic. */
@JSONSchema({ description: `A code from a code system (${SPEC}#coding)` })
export class CdsCoding {
  @IsString() @IsNotEmpty() code!: string;
  @IsString() @IsNotEmpty() system!: string;
  @IsOptional() @IsString() display?: string;
}

/** A reason the user may give for overriding a card: a Coding whose `display` is required. */
@JSONSchema({
  description: `A Coding with a display, offered when the user overrides the card (${SPEC}#overridereason)`,
})
export class CdsOverrideReason {
  @IsString() @IsNotEmpty() code!: string;
  @IsString() @IsNotEmpty() system!: string;
  @IsString() @IsNotEmpty() display!: string;
}

@JSONSchema({ description: `The source of the card's guidance (${SPEC}#source)` })
export class CdsSource {
  @IsString() @IsNotEmpty() label!: string;
  @IsOptional() @IsString() url?: string;
  @IsOptional() @IsString() icon?: string;
  @IsOptional() @ValidateNested() @Type(() => CdsCoding) topic?: CdsCoding;
}

/** What an action's `resource` must at least be: a JSON object naming its FHIR type. */
@JSONSchema({ description: 'A FHIR resource (only its resourceType is checked here)' })
export class CdsFhirResource {
  @IsString() @IsNotEmpty() resourceType!: string;
}

@JSONSchema({
  description: `A change the CDS client may apply (${SPEC}#action)`,
  allOf: [
    requiredWhen(
      'resource is required for create and update',
      { required: ['type'], properties: { type: { enum: ['create', 'update'] } } },
      'resource',
    ),
    requiredWhen(
      'resourceId (a Type/id reference) is required for delete',
      { required: ['type'], properties: { type: { enum: ['delete'] } } },
      'resourceId',
    ),
  ],
})
export class CdsAction {
  @IsIn(ACTION_TYPES) type!: (typeof ACTION_TYPES)[number];
  @IsString() @IsNotEmpty() description!: string;
  @IsOptional() @ValidateNested() @Type(() => CdsFhirResource) resource?: Resource;
  @JSONSchema({ description: 'The resource to delete, as a relative reference (Type/id)' })
  @IsOptional()
  @Matches(fhirReferencePattern())
  resourceId?: string;
}

@JSONSchema({ description: `A set of actions the user may accept together (${SPEC}#suggestion)` })
export class CdsSuggestion {
  @IsString() @IsNotEmpty() label!: string;
  @IsOptional() @IsString() uuid?: string;
  @IsOptional() @IsBoolean() isRecommended?: boolean;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => CdsAction) actions?: CdsAction[];
}

@JSONSchema({ description: `A link to a web page or a SMART app (${SPEC}#link)` })
export class CdsLink {
  @IsString() @IsNotEmpty() label!: string;
  @IsString() @IsNotEmpty() url!: string;
  @IsIn(LINK_TYPES) type!: (typeof LINK_TYPES)[number];
  @IsOptional() @IsString() appContext?: string;
  @IsOptional() @IsBoolean() autolaunchable?: boolean;
}

@JSONSchema({
  description: `A card: guidance for the user (${SPEC}#card-attributes)`,
  allOf: [
    requiredWhen(
      'selectionBehavior (at-most-one or any) is required with suggestions',
      { required: ['suggestions'], properties: { suggestions: { type: 'array', minItems: 1 } } },
      'selectionBehavior',
    ),
  ],
})
export class CdsCard {
  @IsOptional() @IsString() uuid?: string;
  @JSONSchema({ description: 'One sentence, under 140 characters' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(139)
  summary!: string;
  @JSONSchema({ description: 'GitHub Flavored Markdown' })
  @IsOptional()
  @IsString()
  detail?: string;
  @IsIn(CARD_INDICATORS) indicator!: (typeof CARD_INDICATORS)[number];
  @ValidateNested() @Type(() => CdsSource) source!: CdsSource;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => CdsSuggestion) suggestions?: CdsSuggestion[];
  @IsOptional() @IsIn(SELECTION_BEHAVIORS) selectionBehavior?: (typeof SELECTION_BEHAVIORS)[number];
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CdsOverrideReason)
  overrideReasons?: CdsOverrideReason[];
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => CdsLink) links?: CdsLink[];
}

@JSONSchema({ description: `What a CDS service answers (${SPEC}#http-response); \`{ "cards": [] }\` is no advice` })
export class CdsResponse {
  @IsArray() @ValidateNested({ each: true }) @Type(() => CdsCard) cards!: CdsCard[];
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => CdsAction) systemActions?: CdsAction[];
}
