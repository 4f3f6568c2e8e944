// dm-master: thin entry point; the process lives in src/master.
#include <iostream>

#include "master/master_app.h"

int main(int argc, char** argv) { return dm::master::RunMaster(argc, argv, std::cout, std::cerr); }
