#pragma once

#include <optional>
#include <string>

#include "journal/store.hpp"
#include "scheduler/planner.hpp"

namespace deadlined::scheduler {

/// What the planner reads of the journal, read from the journal itself (the scheduler's
/// loads; tests give the planner a fake).
class JournalStates final : public DeliveryStates {
 public:
  explicit JournalStates(journal::Store& journal) : journal_(journal) {}
  std::optional<journal::State> state_of(const std::string& key) override {
    return journal_.state_of(key);
  }

 private:
  journal::Store& journal_;
};

}  // namespace deadlined::scheduler
