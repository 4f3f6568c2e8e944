// dm-worker: thin entry point; the process lives in src/worker.
#include <iostream>

#include "worker/worker_app.h"

int main(int argc, char** argv) { return dm::worker::RunWorker(argc, argv, std::cout, std::cerr); }
