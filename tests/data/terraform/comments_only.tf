# only comments
// nothing else
