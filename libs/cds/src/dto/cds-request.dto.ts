import { Type } from 'class-transformer';
import {
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { FHIR_ID_PATTERN, fhirReferencePattern } from '@ehr-gateway/fhir';

const REFERENCE = fhirReferencePattern();
const ID = FHIR_ID_PATTERN;

export class FhirAuthorizationDto {
  @IsString() @IsNotEmpty() access_token!: string;
  @Equals('Bearer') token_type!: 'Bearer';
  @IsInt() @Min(0) expires_in!: number;
  @IsString() @IsNotEmpty() scope!: string;
  @IsString() @IsNotEmpty() subject!: string;
  @IsOptional() @IsString() patient?: string;
}

/** The fields every CDS Hooks 2.0 request has. */
@JSONSchema({ description: 'A CDS Hooks 2.0 request (https://cds-hooks.org/specification/current/#http-request-1)' })
export class CdsRequestDto {
  @JSONSchema({ description: "The hook that triggered the call; must be the service's hook" })
  @IsString()
  @IsNotEmpty()
  hook!: string;
  @Matches(/^[0-9a-fA-F-]{8,64}$/, { message: 'hookInstance must be a UUID' }) hookInstance!: string;
  @JSONSchema({ description: 'FHIR base the service may call for missing prefetch' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  fhirServer?: string;
  @IsOptional() @ValidateNested() @Type(() => FhirAuthorizationDto) fhirAuthorization?: FhirAuthorizationDto;
  @JSONSchema({ description: "The hook's context: checked per hook by the `*ContextDto` schemas" })
  @IsObject()
  context!: Record<string, unknown>;
  @JSONSchema({ description: 'Prefetched FHIR data by prefetch key (each a resource or null)' })
  @IsOptional()
  @IsObject()
  prefetch?: Record<string, unknown>;
}

class BundleDto {
  @Equals('Bundle') resourceType!: 'Bundle';
  @IsOptional() @IsArray() entry?: unknown[];
}

class UserContextDto {
  @Matches(fhirReferencePattern(['Practitioner', 'PractitionerRole', 'Patient', 'RelatedPerson']), {
    message: 'userId must be a Practitioner, PractitionerRole, Patient or RelatedPerson reference',
  })
  userId!: string;
  @Matches(ID, { message: 'patientId must be a FHIR id' }) patientId!: string;
}

export class PatientViewContextDto extends UserContextDto {
  @IsOptional() @Matches(ID, { message: 'encounterId must be a FHIR id' }) encounterId?: string;
}

export class OrderSignContextDto extends PatientViewContextDto {
  @ValidateNested() @Type(() => BundleDto) draftOrders!: BundleDto;
}

export class OrderSelectContextDto extends OrderSignContextDto {
  @IsArray()
  @Matches(REFERENCE, { each: true, message: 'each selection must be a Type/id reference' })
  selections!: string[];
}

export class EncounterContextDto extends UserContextDto {
  @Matches(ID, { message: 'encounterId must be a FHIR id' }) encounterId!: string;
}

export class AppointmentBookContextDto extends UserContextDto {
  @IsOptional() @Matches(ID, { message: 'encounterId must be a FHIR id' }) encounterId?: string;
  @ValidateNested() @Type(() => BundleDto) appointments!: BundleDto;
}

/** The context DTO of each hook the gateway knows; other hooks get the base fields checked only. */
export const CONTEXT_DTO: Record<string, new () => object> = {
  'patient-view': PatientViewContextDto,
  'order-select': OrderSelectContextDto,
  'order-sign': OrderSignContextDto,
  'encounter-start': EncounterContextDto,
  'encounter-discharge': EncounterContextDto,
  'appointment-book': AppointmentBookContextDto,
};

export const FEEDBACK_OUTCOMES = ['accepted', 'overridden'] as const;

class AcceptedSuggestionDto {
  @IsString() @IsNotEmpty() id!: string;
}

class OverrideReasonDto {
  @IsOptional() @IsObject() reason?: { code?: string; system?: string; display?: string };
  @IsOptional() @IsString() userComment?: string;
}

export class FeedbackItemDto {
  @IsString() @IsNotEmpty() card!: string;
  @IsIn(FEEDBACK_OUTCOMES) outcome!: (typeof FEEDBACK_OUTCOMES)[number];
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AcceptedSuggestionDto)
  acceptedSuggestions?: AcceptedSuggestionDto[];
  @IsOptional() @ValidateNested() @Type(() => OverrideReasonDto) overrideReason?: OverrideReasonDto;
  @Matches(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/, {
    message: 'outcomeTimestamp must be an ISO 8601 instant',
  })
  outcomeTimestamp!: string;
}

export class FeedbackDto {
  @IsArray() @ValidateNested({ each: true }) @Type(() => FeedbackItemDto) feedback!: FeedbackItemDto[];
}
