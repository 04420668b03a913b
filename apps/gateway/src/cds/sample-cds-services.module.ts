import { Module } from '@nestjs/common';
import { AllergyCheckOnSelectService, AllergyCheckService } from './allergy-check.service';
import { DischargeChecklistService } from './discharge-checklist.service';
import { VitalsReviewService } from './vitals-review.service';

/** The gateway's sample CDS services, working on the embedded store's synthetic data. */
@Module({
  providers: [VitalsReviewService, AllergyCheckService, AllergyCheckOnSelectService, DischargeChecklistService],
})
export class SampleCdsServicesModule {}
