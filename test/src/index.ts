// @mtswarm/test holds the tests that span packages; it has no public surface of its own. The test
// DC it drives is @mtswarm/testdc.
export {}
