#include "dicom/dcmtk_setup.h"

#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <cstdlib>
#include <mutex>

namespace vigil::dicom {

void ensure_dcmtk_ready() {
  static std::once_flag once;
  std::call_once(once, [] {
    // DCMTK's own messages are off: Vigil reports every failure itself, naming the file. Set
    // VIGIL_DCMTK_LOG=1 to see them while debugging.
    const char* verbose = std::getenv("VIGIL_DCMTK_LOG");
    OFLog::configure(verbose && *verbose == '1' ? OFLogger::WARN_LOG_LEVEL : OFLogger::FATAL_LOG_LEVEL);
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

void ensure_dcmtk_encoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJEncoderRegistration::registerCodecs();
    DJLSEncoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();
  });
}

}  // namespace vigil::dicom
