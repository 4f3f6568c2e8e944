// dmctl: thin entry point; the commands live in src/ctl.
#include <iostream>

#include "ctl/dmctl.h"

int main(int argc, char** argv) { return dm::ctl::RunDmctl(argc, argv, std::cout, std::cerr); }
