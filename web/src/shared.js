// What one page hands another: a browsed message sent to the pattern tester.
export const handoff = { event: null }
