#pragma once
// An `sbatch --array` script for a manifest: array task i runs manifest task i through
// `arq sweep MANIFEST --task i`, which skips it if complete and resumes it from its checkpoint
// otherwise, so resubmitting the same script after a time-out finishes what is missing.
#include <string>

#include "arq/sweep/manifest.h"
#include "arq/sweep/sweep_spec.h"

namespace arq::sweep {

// `arq_binary` must be an absolute path valid on the compute nodes.
std::string make_slurm_script(const Manifest& manifest, const std::string& job_name,
                              const SlurmOptions& options, const std::string& arq_binary);

}  // namespace arq::sweep
