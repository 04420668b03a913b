/** The part of `@lhncbc/ucum-lhc` (which ships no types) that the store uses. */
declare module '@lhncbc/ucum-lhc' {
  export interface BaseUnitsResult {
    /** `succeeded`, `invalid` (not a UCUM code), `failed` (arbitrary units) or `error`. */
    status: string;
    /** The value in base units. */
    magnitude?: number;
    /** Base unit -> exponent (`mg/dL`: `{ m: -3, g: 1 }`). */
    unitToExp?: Record<string, number>;
    /** A unit converted by a function (Cel, [degF], [pH]) rather than a factor. */
    fromUnitIsSpecial?: boolean;
  }
  export class UcumLhcUtils {
    static getInstance(): UcumLhcUtils;
    convertToBaseUnits(fromUnit: string, fromVal: number): BaseUnitsResult;
  }
}
