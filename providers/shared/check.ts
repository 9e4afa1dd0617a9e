/** What both dynamic providers' `check` returns, and the engine's marker for unknown inputs. */

/** The value the engine sends for an input that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
    /** Top-level input property, so the engine prints its value beside the reason. */
    readonly property: string;
    /** Names the config key or record, the rule and the value given. */
    readonly reason: string;
}

export interface CheckOutcome {
    /** Normalized inputs; the raw inputs when there are failures. */
    readonly inputs: Record<string, unknown>;
    readonly failures: CheckFailure[];
}
